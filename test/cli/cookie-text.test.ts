import fc from 'fast-check';
import { parseCookieText } from '../../src/cli/commands/inspect';

describe('parseCookieText (inspect --cookie)', () => {
  it('reads a Cookie header, with or without the "Cookie:" prefix; the first of a name wins', () => {
    expect(parseCookieText('Cookie: a=1; b="two"; a=3;c=x=y')).toEqual({ a: '1', b: 'two', c: 'x=y' });
  });

  it('reads pasted Set-Cookie lines, ignoring their attributes', () => {
    const text = [
      'Set-Cookie: CloudFront-Policy=abc_; Path=/; Secure; HttpOnly; SameSite=Lax',
      'set-cookie: CloudFront-Signature=d~e-; Domain=example.org; Path=/media',
    ].join('\r\n');
    expect(parseCookieText(text)).toEqual({ 'CloudFront-Policy': 'abc_', 'CloudFront-Signature': 'd~e-' });
  });

  it('returns name → value pairs for any text and never throws', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const cookies = parseCookieText(text);
        for (const [name, value] of Object.entries(cookies)) {
          expect(name.length).toBeGreaterThan(0);
          expect(typeof value).toBe('string');
        }
      }),
      { numRuns: 500 },
    );
  });
});
