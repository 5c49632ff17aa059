import { matchResource, splitUrl } from '../../src/cloudfront/wildcard';

// The sections of a URL as the matcher reads them, the domain's wildcards, and the limits, each at
// its edge. An attacker chooses the URL (and, in a pasted policy, the resource): each `false`
// below is a URL a grant must not reach.

describe('splitUrl: the sections of an absolute http(s) URL, as sent', () => {
  it('lower-cases scheme and domain, keeps path and query byte for byte, drops the fragment', () => {
    expect(splitUrl('HTTPS://CDN.Example:8443/A/b.ts?X=1#t=10')).toEqual({
      scheme: 'https',
      authority: 'cdn.example:8443',
      rest: '/A/b.ts?X=1',
      queryStart: 7,
    });
    expect(splitUrl('http://h.example')).toEqual({
      scheme: 'http',
      authority: 'h.example',
      rest: '',
      queryStart: -1,
    });
    expect(splitUrl('https://h.example/a?b?c')).toEqual({
      scheme: 'https',
      authority: 'h.example',
      rest: '/a?b?c',
      queryStart: 2,
    });
  });

  it.each([
    ['ftp://h.example/a', 'another scheme'],
    ['wss://h.example/a', 'another scheme'],
    ['https+x://h.example/a', 'a scheme that only starts with https'],
    [' https://h.example/a', 'a space before the scheme'],
    ['/https://h.example/a', 'a path that holds a URL'],
    ['x-https://h.example/a', 'a scheme that only ends with https'],
    ['https:/h.example/a', 'one slash'],
    ['//h.example/a', 'no scheme'],
  ])('is undefined for %j (%s)', (url) => {
    expect(splitUrl(url)).toBeUndefined();
  });
});

describe('the scheme', () => {
  it('a *:// resource covers http and https only, never another scheme', () => {
    expect(matchResource('*://h.example/*', 'HTTP://h.example/a')).toBe(true);
    expect(matchResource('*://h.example/*', 'ftp://h.example/a')).toBe(false);
    expect(matchResource('*://h.example/a', 'wss://h.example/a')).toBe(false);
    expect(matchResource('*://*', 'file:///a')).toBe(false);
  });

  it("the resource's scheme compares case-insensitively too", () => {
    expect(matchResource('HTTPS://h.example/a', 'https://h.example/a')).toBe(true);
    expect(matchResource('Http://h.example/*', 'http://h.example/a')).toBe(true);
    expect(matchResource('HTTP://h.example/*', 'https://h.example/a')).toBe(false);
  });

  it('a resource with text before its scheme covers nothing', () => {
    expect(matchResource(' https://h.example/*', 'https://h.example/a')).toBe(false);
    expect(matchResource(' https://*', 'https:///a')).toBe(false);
  });
});

describe('the domain', () => {
  it.each([
    ['https://cdn.example.evil/a', 'a longer domain that starts with it'],
    ['https://cdn.example:8443/a', 'another port'],
    ['https://xcdn.example/a', 'a domain that ends with it'],
    ['https://cdn.exampl/a', 'a shorter domain'],
    ['https://cdn.example@evil.test/a', 'user info'],
  ])('cdn.example/* does not cover %s (%s)', (url) => {
    expect(matchResource('https://cdn.example/*', url)).toBe(false);
  });

  it("a domain shorter than the resource's is not covered, with or without a wildcard left over", () => {
    expect(matchResource('https://cdn.example.com/*', 'https://cdn.example/a')).toBe(false);
    expect(matchResource('https://cdn.example.com*/*', 'https://cdn.example/a')).toBe(false);
    expect(matchResource('https://*.example.com/*', 'https://example.com/a')).toBe(false);
  });

  it('? in the domain is exactly one character', () => {
    expect(matchResource('https://cdn?.example/*', 'https://cdn1.example/a')).toBe(true);
    expect(matchResource('https://cdn?.example/*', 'https://cdn.example/a')).toBe(false);
    expect(matchResource('https://cdn?.example/*', 'https://cdn12.example/a')).toBe(false);
    expect(matchResource('https://h.exampl?/a', 'https://h.example/a')).toBe(true);
    expect(matchResource('https://h.example?/a', 'https://h.example/a')).toBe(false);
    expect(matchResource('https://h.example??/a', 'https://h.example:/a')).toBe(false);
  });

  it('* in the domain covers zero or more characters, ports included, after a false start', () => {
    expect(matchResource('https://h.example*/a', 'https://h.example/a')).toBe(true);
    expect(matchResource('https://h.example*/a', 'https://h.example:8443/a')).toBe(true);
    expect(matchResource('https://*/a', 'https://h.example/a')).toBe(true);
    expect(matchResource('https://*-cdn.example/a', 'https://a-b-cdn.example/a')).toBe(true);
    expect(matchResource('https://*-cdn.example/a', 'https://a-b-cdn.example.evil/a')).toBe(false);
    expect(matchResource('https://cdn*.example**/a', 'https://cdn.example/a')).toBe(true);
  });

  it('* in the domain never reaches into a query that follows the domain directly', () => {
    expect(matchResource('https://h.example*', 'https://h.example?x=1')).toBe(false);
    expect(matchResource('https://*', 'https://h.example?x=1')).toBe(false);
  });

  it('a domain of 253 characters with a port (259) is matched; one character more is not', () => {
    const name = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`;
    expect(name).toHaveLength(253);
    expect(matchResource('https://*/*', `https://${name}:65535/a`)).toBe(true);
    expect(matchResource('https://*/*', `https://${name}a:65535/a`)).toBe(false);
  });
});

describe('the path', () => {
  it('a fragment is not part of the URL CloudFront checks', () => {
    expect(matchResource('https://h.example/a.mp4', 'https://h.example/a.mp4#t=10')).toBe(true);
    expect(matchResource('https://h.example', 'https://h.example#top')).toBe(true);
    expect(matchResource('https://h.example/a.mp?', 'https://h.example/a.mp4#t=10')).toBe(true);
  });

  it('the root is the same URL with or without its /', () => {
    expect(matchResource('https://h.example/', 'https://h.example')).toBe(true);
    expect(matchResource('https://h.example/', 'https://h.example/')).toBe(true);
    expect(matchResource('https://h.example/', 'https://h.example/a')).toBe(false);
    expect(matchResource('https://h.example/?', 'https://h.example')).toBe(false);
  });

  it('a resource without a path covers the root only, not a root with a query', () => {
    expect(matchResource('https://h.example', 'https://h.example/?x=1')).toBe(false);
    expect(matchResource('https://h.example', 'https://h.example?x=1')).toBe(false);
  });

  it('\\? right after the domain is the query of the root', () => {
    expect(matchResource('https://h.example\\?x=*', 'https://h.example/?x=1')).toBe(true);
    expect(matchResource('https://h.example\\?x=1', 'https://h.example/?x=1')).toBe(true);
    expect(matchResource('https://h.example\\?x=1', 'https://h.example/a?x=1')).toBe(false);
  });

  it("\\? without a wildcard matches only the query's own ?", () => {
    expect(matchResource('https://h.example/a.jpg\\?size=large', 'https://h.example/a.jpg?size=large')).toBe(
      true,
    );
    expect(matchResource('https://h.example/a.jpg\\?size=large', 'https://h.example/a.jpgXsize=large')).toBe(
      false,
    );
    expect(matchResource('https://h.example/a?b\\?c', 'https://h.example/a?b?c')).toBe(false);
  });

  it('beside a ?, every other character of a star-free resource must be equal', () => {
    expect(matchResource('https://h.example/seg?.ts', 'https://h.example/seg1.ts')).toBe(true);
    expect(matchResource('https://h.example/seg?.ts', 'https://h.example/seg1.tx')).toBe(false);
    expect(matchResource('https://h.example/seg?.ts', 'https://h.example/Seg1.ts')).toBe(false);
  });

  it('a backslash not followed by ? is an ordinary character', () => {
    expect(matchResource('https://h.example/a\\b?', 'https://h.example/a\\bc')).toBe(true);
    expect(matchResource('https://h.example/a\\b?', 'https://h.example/a?c')).toBe(false);
    expect(matchResource('https://h.example/*\\b', 'https://h.example/x/a\\b')).toBe(true);
  });

  it("a literal character never stands for the query's ?", () => {
    expect(matchResource('https://h.example/a*b=1', 'https://h.example/a?b=1')).toBe(false);
    expect(matchResource('https://h.example/a?b=1', 'https://h.example/a?b=1')).toBe(true);
  });
});

describe('the limits (hostile input is no match, without work)', () => {
  const host = 'https://d111111abcdef8.cloudfront.net';

  it("a URL of 8,192 characters (CloudFront's longest) is matched; 8,193 is not", () => {
    const url = `${host}/media/${'a'.repeat(8192 - host.length - 7)}`;
    expect(url).toHaveLength(8192);
    expect(matchResource(`${host}/media/*`, url)).toBe(true);
    expect(matchResource(`${host}/media/*`, `${url}a`)).toBe(false);
    expect(matchResource(`${host}/media/*a`, `${url}a`)).toBe(false);
  });

  it('a resource of 20,480 characters (the longest request) is matched; 20,481 is not', () => {
    const resource = `${host}/${'*'.repeat(20480 - host.length - 1)}`;
    expect(resource).toHaveLength(20480);
    expect(matchResource(resource, `${host}/a`)).toBe(true);
    expect(matchResource(`${resource}*`, `${host}/a`)).toBe(false);
  });
});
