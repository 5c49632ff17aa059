import fc from 'fast-check';
import { normalizePath } from '../../src/edge/uri';

describe('normalizePath', () => {
  it.each([
    ['/media/a/seg001.m4s', '/media/a/seg001.m4s'],
    ['/media/a%20b/x.ts', '/media/a b/x.ts'],
    ['/media/course-4%32/x.ts', '/media/course-42/x.ts'],
    ['/media/a..b/x', '/media/a..b/x'],
    // S3 serves the key "a b.ts" for a raw `+` in a REST path, and "a+b.ts" for `%2B`.
    ['/media/a+b.ts', '/media/a b.ts'],
    ['/media/a++b%20c.ts', '/media/a  b c.ts'],
    ['/media/a%2Bb.ts', '/media/a+b.ts'],
  ])('accepts %s as %s', (uri, path) => {
    expect(normalizePath(uri)).toEqual({ ok: true, path });
  });

  it.each([
    ['/media/a/../b/x', 'dot-segment'],
    ['/media/a/..', 'dot-segment'],
    ['/media/./a', 'dot-segment'],
    ['/media/a/%2e%2e/b', 'encoded-dot-or-slash'],
    ['/media/a/%2E%2e/b', 'encoded-dot-or-slash'],
    ['/media/a%2fb', 'encoded-dot-or-slash'],
    ['/media/a%5cb', 'encoded-dot-or-slash'],
    ['/media/a\\..\\b', 'backslash'],
    ['/media/a%00.ts', 'control-character'],
    ['/media/a\u0000.ts', 'control-character'],
    ['/media/a\n', 'control-character'],
    ['/media/a%7f', 'control-character'],
    ['/media//a', 'double-slash'],
    ['media/a', 'not-absolute'],
    ['/media/%zz', 'bad-encoding'],
    ['/media/%c0%ae%c0%ae/x', 'bad-encoding'],
  ])('refuses %s (%s)', (uri, why) => {
    expect(normalizePath(uri)).toEqual({ ok: false, why });
  });

  it('never throws, and what it accepts has no dot segments, doubled slashes, backslashes or controls', () => {
    const piece = fc.constantFrom(
      '/',
      '.',
      '..',
      '%2e',
      '%2f',
      '%5c',
      '\\',
      '%00',
      'a',
      'media',
      '%25',
      '%',
      '//',
      '\u0001',
      'é',
      '%c3%a9',
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.array(piece, { maxLength: 12 }).map((p) => `/${p.join('')}`),
        ),
        (uri) => {
          const out = normalizePath(uri);
          if (out.ok) {
            expect(out.path.startsWith('/')).toBe(true);
            expect(out.path.split('/').some((s) => s === '.' || s === '..')).toBe(false);
            expect(out.path).not.toMatch(/\/\/|\\|[\u0000-\u001f\u007f]/);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
