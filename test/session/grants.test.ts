import fc from 'fast-check';
import {
  compileGrants,
  coversGrant,
  GrantError,
  grantDirectory,
  parseGrants,
  pathMatchesGrants,
  validateGrant,
} from '../../src/session/grants';
import { globMatches } from './fixtures';

const PREFIX = '/media/';

describe('validateGrant', () => {
  it.each(['/media/course-42/*', '/media/*', '/media/a/b/*.m3u8', '/media/c4?/x.ts', '/media/x.mp4'])(
    'accepts %s',
    (g) => {
      expect(validateGrant(g, PREFIX)).toBe(g);
    },
  );

  it.each([
    ['outside the prefix', '/other/*'],
    ['prefix only', '/media/'],
    ['dot-dot', '/media/a/../b/*'],
    ['dot', '/media/./a/*'],
    ['double slash', '/media//a/*'],
    ['semicolon', '/media/a;b/*'],
    ['space', '/media/a b/*'],
    ['percent', '/media/%2e/*'],
    ['backslash', '/media/a\\b'],
    ['too many wildcards', '/media/*a*b*c*d*e*f*g*h*i'],
  ])('refuses %s', (_why, g) => {
    expect(() => validateGrant(g, PREFIX)).toThrow(GrantError);
  });

  it('parseGrants refuses non-arrays and de-duplicates', () => {
    expect(() => parseGrants('/media/*', PREFIX)).toThrow(GrantError);
    expect(parseGrants(['/media/a/*', '/media/a/*'], PREFIX)).toEqual(['/media/a/*']);
  });

  it('never throws anything but a GrantError', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        try {
          parseGrants(value, PREFIX);
        } catch (error) {
          expect(error).toBeInstanceOf(GrantError);
        }
      }),
    );
  });
});

describe('grantDirectory and coversGrant', () => {
  it.each([
    ['/media/course-42/*', '/media/course-42/'],
    ['/media/course-4*', '/media/'],
    ['/media/a/b/x.m3u8', '/media/a/b/'],
    ['/media/a/?/x', '/media/a/'],
    ['/media/a/b/', '/media/a/b/'],
  ])('%s lives in %s', (g, dir) => {
    expect(grantDirectory(g)).toBe(dir);
  });

  it('covers literal-prefix wildcards only', () => {
    expect(coversGrant('/media/*', '/media/a/*')).toBe(true);
    expect(coversGrant('/media/a/*', '/media/a/x.ts')).toBe(true);
    expect(coversGrant('/media/a/*', '/media/b/*')).toBe(false);
    expect(coversGrant('/media/a/*.ts', '/media/a/x.ts')).toBe(false);
    // Every grant covers itself, wildcard or not.
    expect(coversGrant('/media/a/x.ts', '/media/a/x.ts')).toBe(true);
    expect(coversGrant('/media/a/*.ts', '/media/a/*.ts')).toBe(true);
  });
});

const segment = fc.stringMatching(/^[a-z0-9*?._-]{1,6}$/);
const grantArb = fc
  .array(segment, { minLength: 1, maxLength: 3 })
  .map((parts) => `${PREFIX}${parts.join('/')}`)
  .filter((g) => {
    try {
      validateGrant(g, PREFIX);
      return true;
    } catch {
      return false;
    }
  });
const pathArb = fc
  .array(fc.stringMatching(/^[a-z0-9._-]{1,6}$/), { minLength: 1, maxLength: 4 })
  .map((p) => `/${p.join('/')}`);

describe('compileGrants', () => {
  it('matches exactly what a wildcard oracle matches', () => {
    fc.assert(
      fc.property(
        fc.array(grantArb, { maxLength: 4 }),
        fc.oneof(
          pathArb,
          pathArb.map((p) => `/media${p}`),
        ),
        (grants, path) => {
          const expected = grants.some((g) => globMatches(g, path));
          expect(compileGrants(grants).test(path)).toBe(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('treats regex metacharacters literally', () => {
    const re = compileGrants(['/media/a.b/+x=1']);
    expect(re.test('/media/a.b/+x=1')).toBe(true);
    expect(re.test('/media/aXb/+x=1')).toBe(false);
  });

  it('a grant matches from the start of the path: the same folder nested deeper is not granted', () => {
    const grants = ['/media/course-42/*'];
    expect(pathMatchesGrants('/media/course-42/seg-1.m4s', grants)).toBe(true);
    expect(pathMatchesGrants('/media/other/media/course-42/seg-1.m4s', grants)).toBe(false);
    expect(pathMatchesGrants('/media/x/course-42/seg-1.m4s', grants)).toBe(false);
  });

  it('a trailing * also matches nothing at all', () => {
    expect(pathMatchesGrants('/media/course-42', ['/media/course-42*'])).toBe(true);
    expect(pathMatchesGrants('/media/course-42/', ['/media/course-42/*'])).toBe(true);
    expect(pathMatchesGrants('/media/intro.mp4', ['/media/intro.mp4**'])).toBe(true);
    expect(pathMatchesGrants('/media/course-4', ['/media/course-42*'])).toBe(false);
  });

  it('a matcher keeps the grants it was made from when the caller changes its list later', () => {
    const grants = ['/media/course-42/*'];
    const matcher = compileGrants(grants);
    grants.push('/media/*');
    grants[0] = '/media/course-7/*';
    expect(matcher.test('/media/course-42/a.m4s')).toBe(true);
    expect(matcher.test('/media/course-7/a.m4s')).toBe(false);
  });

  it('matches nothing for no grants', () => {
    expect(compileGrants([]).test('/media/a')).toBe(false);
  });

  it('stays linear on grants with many stars against a hostile path (a RegExp took minutes here)', () => {
    // The viewer picks the path; an operator may configure a grant with up to 8 wildcards.
    const grant = '/media/*a*a*a*a*a*a*b';
    const hostile = `/media/${'a'.repeat(2000)}`;
    expect(compileGrants([grant]).test(hostile)).toBe(false);
    expect(compileGrants([grant]).test(`${hostile}b`)).toBe(true);
  });
});
