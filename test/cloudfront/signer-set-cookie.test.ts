import {
  renderExpiredCookie,
  renderSetCookie,
  renderSetCookies,
  SignError,
} from '../../src/cloudfront/signer';

/**
 * Set-Cookie values as RFC 6265 section 4.1.1 lets a server write them: a token for the name,
 * cookie-octets for the value (no space, `"`, `,`, `;`, `\`, controls or non-ASCII), and attribute
 * values without `;` or controls. A refused input is a SignError naming what was wrong, never a
 * header that smuggles another attribute (`Path=/x; Domain=evil`) into the browser.
 */
const refusal = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return 'not refused';
};
const signError = (message: string) =>
  expect.objectContaining({ name: 'SignError', code: 'ERR_SIGN', message });

describe('cookie names and values', () => {
  it('takes every RFC 6265 token character in a name and every cookie-octet in a value', () => {
    const token = "!#$%&'*+-.^_`|~09AZaz";
    const octets = "!#$%&'()*+-./09:<=>?@AZ[]^_`az{|}~";
    expect(renderSetCookie(token, octets)).toBe(`${token}=${octets}; Path=/; Secure; HttpOnly; SameSite=Lax`);
  });

  it.each([
    ['a space', 'a b'],
    ['a leading "="', '=a'],
    ['a trailing ";"', 'a;'],
    ['a leading ";"', ';a'],
    ['a "("', 'a(b'],
    ['nothing', ''],
    // The characters just outside the token ranges 0-9, A-Z and a-z, and the other separators.
    ...[...'/:@[]{}",?\\'].map((c) => [`a "${c}"`, `a${c}b`]),
  ])('refuses a name with %s', (_what, name) => {
    expect(refusal(() => renderSetCookie(name, 'v'))).toEqual(
      signError('cookie name has a forbidden character'),
    );
  });

  it.each([
    ['a space', 'a b'],
    ['a double quote', 'a"b'],
    ['a comma', 'a,b'],
    ['a leading ";"', ';a'],
    ['a trailing ";"', 'a;'],
    ['a backslash', 'a\\b'],
    ['a DEL', 'a\u007f'],
    ['a control character', 'a\u0001'],
    ['a non-ASCII letter', 'caf\u00e9'],
  ])('refuses a value with %s, naming the cookie', (_what, value) => {
    expect(refusal(() => renderSetCookie('CloudFront-Policy', value))).toEqual(
      signError('cookie CloudFront-Policy has a forbidden character in its value'),
    );
  });
});

describe('cookie attributes', () => {
  it('takes a Path with spaces and any printable character except ";"', () => {
    expect(renderSetCookie('a', 'b', { path: '/my media/<x>:~' })).toBe(
      'a=b; Path=/my media/<x>:~; Secure; HttpOnly; SameSite=Lax',
    );
  });

  it.each([
    ['a ";" that would start another attribute', '/media;Domain=evil.example'],
    ['a leading ";"', ';/media'],
    ['a trailing ";"', '/media;'],
    ['a line break', '/media\r\nSet-Cookie: x=y'],
    ['a DEL', '/media\u007f'],
    ['a unit separator', '/media\u001f'],
    ['nothing', ''],
  ])('refuses a Path with %s', (_what, path) => {
    expect(refusal(() => renderSetCookie('a', 'b', { path }))).toEqual(
      signError('cookie Path has a forbidden character'),
    );
  });

  it('takes a Domain with a leading dot, letters of either case, digits and hyphens', () => {
    expect(renderSetCookie('a', 'b', { domain: '.example.org' })).toBe(
      'a=b; Path=/; Domain=.example.org; Secure; HttpOnly; SameSite=Lax',
    );
    expect(renderSetCookie('a', 'b', { domain: 'AZaz09-x.example' })).toBe(
      'a=b; Path=/; Domain=AZaz09-x.example; Secure; HttpOnly; SameSite=Lax',
    );
  });

  it.each([
    ['a space', 'example .org'],
    ['a trailing ";"', 'example.org;'],
    ['a leading ";"', ';example.org'],
    ['a port', 'example.org:443'],
    ['nothing', ''],
    // The characters just outside the ranges A-Z, a-z and 0-9, and around "." and "-".
    ...[...'@[`{/,_'].map((c) => [`a "${c}"`, `exa${c}mple.org`]),
  ])('refuses a Domain with %s', (_what, domain) => {
    expect(refusal(() => renderSetCookie('a', 'b', { domain }))).toEqual(
      signError('cookie Domain is not a host name'),
    );
  });

  it('writes a Max-Age of whole seconds, and refuses a fraction', () => {
    expect(renderSetCookie('a', 'b', { maxAge: 0 })).toBe(
      'a=b; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Lax',
    );
    expect(refusal(() => renderSetCookie('a', 'b', { maxAge: 1.5 }))).toEqual(
      signError('cookie Max-Age must be whole seconds'),
    );
  });

  it('leaves out only Secure, or only HttpOnly, when asked', () => {
    expect(renderSetCookie('a', 'b', { secure: false })).toBe('a=b; Path=/; HttpOnly; SameSite=Lax');
    expect(renderSetCookie('a', 'b', { httpOnly: false })).toBe('a=b; Path=/; Secure; SameSite=Lax');
    expect(renderSetCookie('a', 'b', { secure: true, httpOnly: true })).toBe(
      'a=b; Path=/; Secure; HttpOnly; SameSite=Lax',
    );
  });

  it('writes SameSite=None with Secure, by default or when asked, and refuses it without Secure', () => {
    expect(renderSetCookie('a', 'b', { sameSite: 'None' })).toBe(
      'a=b; Path=/; Secure; HttpOnly; SameSite=None',
    );
    expect(renderSetCookie('a', 'b', { sameSite: 'None', secure: true })).toBe(
      'a=b; Path=/; Secure; HttpOnly; SameSite=None',
    );
    expect(refusal(() => renderSetCookie('a', 'b', { sameSite: 'None', secure: false }))).toEqual(
      signError('SameSite=None requires Secure'),
    );
  });

  it('writes Strict or Lax without Secure when asked', () => {
    expect(renderSetCookie('a', 'b', { sameSite: 'Strict', secure: false })).toBe(
      'a=b; Path=/; HttpOnly; SameSite=Strict',
    );
    expect(renderSetCookie('a', 'b', { sameSite: 'Lax', secure: false })).toBe(
      'a=b; Path=/; HttpOnly; SameSite=Lax',
    );
  });
});

describe('several cookies and logout', () => {
  it('renders one Set-Cookie per cookie, in the order given, each with the same attributes', () => {
    expect(
      renderSetCookies(
        { 'CloudFront-Policy': 'p', 'CloudFront-Signature': 's', 'CloudFront-Key-Pair-Id': 'K' },
        { path: '/media/', sameSite: 'Strict' },
      ),
    ).toEqual([
      'CloudFront-Policy=p; Path=/media/; Secure; HttpOnly; SameSite=Strict',
      'CloudFront-Signature=s; Path=/media/; Secure; HttpOnly; SameSite=Strict',
      'CloudFront-Key-Pair-Id=K; Path=/media/; Secure; HttpOnly; SameSite=Strict',
    ]);
  });

  it('a deleting cookie expires in 1970 with Max-Age=0 even when the attributes carry a lifetime', () => {
    expect(
      renderExpiredCookie('CloudFront-Signature', {
        path: '/media/',
        maxAge: 3600,
        expires: new Date(Date.UTC(2030, 0, 1)),
      }),
    ).toBe(
      'CloudFront-Signature=; Path=/media/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Secure; HttpOnly; SameSite=Lax',
    );
  });

  it('a SignError is named SignError and carries ERR_SIGN', () => {
    const error = refusal(() => renderSetCookie('a b', 'c'));
    expect(error).toBeInstanceOf(SignError);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('SignError');
  });
});
