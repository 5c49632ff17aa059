import fc from 'fast-check';
import { behaviorsFromSettings, matchPathPattern, selectBehavior } from '../../src/local/path-pattern';

describe('CloudFront path patterns', () => {
  // Each rule: CloudFront Developer Guide, "Cache behavior settings → Path pattern".
  it.each([
    ['/media/*', '/media/demo/seg-000.m4s', true], // * matches across slashes
    ['/media/*', '/media/', true], // * matches zero characters
    ['/media/*', '/media', false],
    ['/media/*', '/Media/demo/x', false], // case-sensitive
    ['media/*', '/media/demo/x', true], // the leading slash is optional
    ['/images/*.jpg', '/images/a/b.jpg', true],
    ['/images/*.jpg', '/images/a/b.jpeg', false],
    ['/a?c', '/abc', true], // ? matches exactly one character
    ['/a?c', '/ac', false],
    ['/a?c', '/abbc', false],
    ['*', '/anything/at/all', true],
  ])('%s against %s → %s', (pattern, path, expected) => {
    expect(matchPathPattern(pattern, path)).toBe(expected);
  });

  it('a pattern without wildcards matches only itself', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^\/[a-z0-9/._-]{0,20}$/),
        fc.stringMatching(/^\/[a-z0-9/._-]{0,20}$/),
        (a, b) => {
          expect(matchPathPattern(a, b)).toBe(a === b);
        },
      ),
    );
  });

  it('prefix/* matches exactly the paths that start with the prefix, and never throws', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\/[a-z]{1,5}\/$/), fc.string({ maxLength: 30 }), (prefix, path) => {
        expect(matchPathPattern(`${prefix}*`, path)).toBe(
          (path.startsWith('/') ? path : `/${path}`).startsWith(prefix),
        );
      }),
    );
  });

  it('behaviors come in serverless.yml order and the default is last', () => {
    const behaviors = behaviorsFromSettings({ protectedPrefix: '/media/', authPrefix: '/auth/' });
    expect(behaviors.map((b) => b.pathPattern)).toEqual(['/media/*', '/auth/*', '*']);
    expect(selectBehavior(behaviors, '/media/demo/index.m3u8').kind).toBe('media');
    expect(selectBehavior(behaviors, '/auth/login').kind).toBe('auth');
    expect(selectBehavior(behaviors, '/auth').kind).toBe('default');
    expect(selectBehavior(behaviors, '/player.html').kind).toBe('default');
    expect(selectBehavior(behaviors, '/MEDIA/demo/index.m3u8').kind).toBe('default');
  });
});
