import fc from 'fast-check';
import { matchResource } from '../../src/cloudfront/wildcard';

/**
 * Each rule the matcher implements, with where it comes from. "Guide" is the Amazon CloudFront
 * Developer Guide, "Values that you specify in the policy statement for a custom policy"
 * (signed URLs and signed cookies), Resource → Wildcards / Protocol / Query string parameters.
 */
const RULES: { rule: string; source: string; resource: string; yes: string[]; no: string[] }[] = [
  {
    rule: '* matches zero or more characters',
    source: 'Guide: "the wildcard character that matches zero or more characters (*)"',
    resource: 'https://d111111abcdef8.cloudfront.net/media/*',
    yes: [
      'https://d111111abcdef8.cloudfront.net/media/',
      'https://d111111abcdef8.cloudfront.net/media/course-42/seg001.m4s',
    ],
    no: ['https://d111111abcdef8.cloudfront.net/medi', 'https://d111111abcdef8.cloudfront.net/other/media/a'],
  },
  {
    rule: '? matches exactly one character',
    source: 'Guide: "the wild-card character that matches exactly one character (?)"',
    resource: 'https://h.example/seg?.ts',
    yes: ['https://h.example/seg1.ts', 'https://h.example/segA.ts'],
    no: ['https://h.example/seg.ts', 'https://h.example/seg10.ts'],
  },
  {
    rule: "the Guide's own example: *game_download.zip* covers query strings too",
    source: 'Guide: http://d111111abcdef8.cloudfront.net/*game_download.zip* example',
    resource: 'http://d111111abcdef8.cloudfront.net/*game_download.zip*',
    yes: [
      'http://d111111abcdef8.cloudfront.net/game_download.zip',
      'http://d111111abcdef8.cloudfront.net/example_game_download.zip?license=yes',
      'http://d111111abcdef8.cloudfront.net/test_game_download.zip?license=temp',
    ],
    no: ['http://d111111abcdef8.cloudfront.net/game_download.tar'],
  },
  {
    rule: 'the protocol is http, https or * (either); it must match',
    source: 'Guide: "Protocol – The value must begin with http:// or https://"; *:// per DESIGN.md',
    resource: '*://h.example/a.mp4',
    yes: ['https://h.example/a.mp4', 'http://h.example/a.mp4'],
    no: ['https://h.example/b.mp4'],
  },
  {
    rule: 'an https resource does not cover http',
    source: 'Guide: Protocol',
    resource: 'https://h.example/a.mp4',
    yes: ['https://h.example/a.mp4'],
    no: ['http://h.example/a.mp4'],
  },
  {
    rule: 'a wildcard in the domain stays in the domain',
    source: 'DESIGN.md: matched section by section, a wildcard matches only inside its own section',
    resource: 'https://*.example.com/a.mp4',
    yes: ['https://cdn.example.com/a.mp4', 'https://a.b.example.com/a.mp4'],
    no: ['https://evil.test/x.example.com/a.mp4', 'https://example.com/a.mp4'],
  },
  {
    rule: 'a wildcard in the path does not reach into the query',
    source: 'DESIGN.md: sections; a wildcard never crosses its section',
    resource: 'https://h.example/media/*/index.m3u8',
    yes: ['https://h.example/media/course-42/index.m3u8', 'https://h.example/media/a/b/index.m3u8'],
    no: ['https://h.example/media/x?y=/index.m3u8'],
  },
  {
    rule: 'a trailing * in the path also covers any query string',
    source: 'DESIGN.md; Guide example above (example_game_download.zip?license=yes)',
    resource: 'https://h.example/media/*',
    yes: ['https://h.example/media/a.ts?v=1&w=2'],
    no: ['https://h.example/mediaX?v=1'],
  },
  {
    rule: 'without wildcards the URL must be equal, query string included',
    source: 'Guide: Resource is "the base URL including your query strings, if any"',
    resource: 'https://h.example/images/horizon.jpg',
    yes: ['https://h.example/images/horizon.jpg'],
    no: ['https://h.example/images/horizon.jpg?size=large', 'https://h.example/images/horizon.jpgx'],
  },
  {
    rule: "the Guide writes query strings in a Resource literally; ? then matches the URL's own ?",
    source: 'Guide: http://d111111abcdef8.cloudfront.net/images/horizon.jpg?size=large&license=yes',
    resource: 'http://d111111abcdef8.cloudfront.net/images/horizon.jpg?size=large&license=yes',
    yes: ['http://d111111abcdef8.cloudfront.net/images/horizon.jpg?size=large&license=yes'],
    no: ['http://d111111abcdef8.cloudfront.net/images/horizon.jpg?size=small&license=yes'],
  },
  {
    rule: 'an escaped \\? starts the query section, where wildcards match query characters',
    source: 'DESIGN.md: query after \\?',
    resource: 'https://h.example/a.jpg\\?size=*',
    yes: ['https://h.example/a.jpg?size=large', 'https://h.example/a.jpg?size=large&x=/y'],
    no: ['https://h.example/a.jpg', 'https://h.example/b.jpg?size=large', 'https://h.example/a.jpgXsize=1'],
  },
  {
    rule: 'domain names compare case-insensitively, paths case-sensitively',
    source: 'RFC 3986 §3.2.2 (host names are case-insensitive); S3 keys are case-sensitive',
    resource: 'https://H.Example/Media/*',
    yes: ['https://h.example/Media/a', 'HTTPS://h.EXAMPLE/Media/a'],
    no: ['https://h.example/media/a'],
  },
  {
    rule: 'a bare * covers every URL',
    source: 'AWS SDK for .NET, BuildPolicyForSignedUrl: "* : All distributions/objects will be accessible"',
    resource: '*',
    yes: ['https://any.example/x?y', 'http://h/'],
    no: [],
  },
  {
    rule: 'percent-escapes are compared as written, not decoded',
    source: 'CloudFront compares the URL the viewer sent',
    resource: 'https://h.example/a%20b.mp4',
    yes: ['https://h.example/a%20b.mp4'],
    no: ['https://h.example/a b.mp4', 'https://h.example/a+b.mp4'],
  },
  {
    rule: 'a resource without a path covers only the root',
    source: 'sections: an empty path section matches only an empty path',
    resource: 'https://h.example',
    yes: ['https://h.example', 'https://h.example/'],
    no: ['https://h.example/a'],
  },
  {
    rule: 'anything but http(s) or * as the scheme never matches',
    source: 'Guide: Protocol',
    resource: 'ftp://h.example/*',
    yes: [],
    no: ['https://h.example/a', 'ftp://h.example/a'],
  },
];

describe.each(RULES)('$rule ($source)', ({ resource, yes, no }) => {
  if (yes.length)
    it.each(yes)(`${resource} covers %s`, (url) => expect(matchResource(resource, url)).toBe(true));
  if (no.length)
    it.each(no)(`${resource} does not cover %s`, (url) => expect(matchResource(resource, url)).toBe(false));
});

const segment = fc.stringMatching(/^[a-z0-9._-]{1,12}$/);
const path = fc.array(segment, { minLength: 1, maxLength: 5 }).map((parts) => `/${parts.join('/')}`);
const host = fc.stringMatching(/^[a-z]{1,10}\.(example|test)$/);
const query = fc.option(fc.stringMatching(/^[a-z0-9=&]{1,20}$/), { nil: undefined });
const url = fc.tuple(fc.constantFrom('http', 'https'), host, path, query).map(([s, h, p, q]) => ({
  scheme: s,
  host: h,
  path: p,
  query: q,
  text: `${s}://${h}${p}${q ? `?${q}` : ''}`,
}));

describe('matchResource properties', () => {
  it('a URL without wildcard characters covers itself and nothing else', () => {
    fc.assert(
      fc.property(url, url, (a, b) => {
        expect(matchResource(a.text, a.text)).toBe(true);
        expect(matchResource(a.text, b.text)).toBe(a.text === b.text);
      }),
    );
  });

  it('prefix/* covers every URL under the prefix, query or not, and nothing beside it', () => {
    fc.assert(
      fc.property(url, segment, (u, other) => {
        const dir = u.path.slice(0, u.path.lastIndexOf('/') + 1);
        const resource = `${u.scheme}://${u.host}${dir}*`;
        expect(matchResource(resource, u.text)).toBe(true);
        expect(matchResource(resource, `${u.scheme}://${u.host}/${other}-x${dir}`)).toBe(dir === '/');
      }),
    );
  });

  it('n question marks match exactly n characters of one path segment', () => {
    fc.assert(
      fc.property(host, segment, segment, (h, base, name) => {
        const resource = `https://${h}/${base}/${'?'.repeat(name.length)}`;
        expect(matchResource(resource, `https://${h}/${base}/${name}`)).toBe(true);
        expect(matchResource(resource, `https://${h}/${base}/${name}x`)).toBe(false);
        expect(matchResource(resource, `https://${h}/${base}/${name.slice(1)}`)).toBe(false);
      }),
    );
  });

  it('a domain wildcard never covers another host', () => {
    fc.assert(
      fc.property(url, host, (u, otherHost) => {
        fc.pre(otherHost !== u.host);
        expect(matchResource(`https://${u.host}/*`, `https://${otherHost}${u.path}`)).toBe(false);
      }),
    );
  });

  it('returns a boolean for any input and never throws', () => {
    const wild = fc.stringMatching(/^[a-z*?\\/:.=&-]{0,40}$/);
    fc.assert(
      fc.property(
        fc.oneof(wild, fc.string()),
        fc.oneof(fc.webUrl({ withQueryParameters: true }), fc.string()),
        (r, u) => {
          expect(typeof matchResource(r, u)).toBe('boolean');
          expect(typeof matchResource(`https://h${r}`, u)).toBe('boolean');
        },
      ),
      { numRuns: 500 },
    );
  });
});
