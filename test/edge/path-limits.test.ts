import { normalizePath } from '../../src/edge/uri';

/**
 * CloudFront hands the edge a URI of at most a few KB; ours refuses anything past 2048
 * characters before any pattern work, and a URI that is not a string (a broken event) is refused,
 * never a crash.
 */
describe('path limits', () => {
  it('2048 characters are read; 2049 are too long', () => {
    const at = `/media/${'a'.repeat(2048 - 7)}`;
    expect(at).toHaveLength(2048);
    expect(normalizePath(at)).toEqual({ ok: true, path: at });
    expect(normalizePath(`${at}a`)).toEqual({ ok: false, why: 'too-long' });
  });

  it('the length limit applies before decoding (to what CloudFront received)', () => {
    const encoded = `/media/${'%41'.repeat(700)}`;
    expect(encoded.length).toBeGreaterThan(2048);
    expect(normalizePath(encoded)).toEqual({ ok: false, why: 'too-long' });
  });

  it.each([undefined, null, 42, ['/media/a']])('a URI of %j is not absolute', (uri) => {
    expect(normalizePath(uri as unknown as string)).toEqual({ ok: false, why: 'not-absolute' });
  });

  it('a URI that is only encoded text decodes to its path', () => {
    expect(normalizePath('/media/%41%42/%43.ts')).toEqual({ ok: true, path: '/media/AB/C.ts' });
  });
});
