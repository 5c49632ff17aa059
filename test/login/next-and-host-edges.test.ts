import { encodeLocation, parseCredentials, parseViewerHost, safeNextPath } from '../../src/login/body';

/**
 * Edges of the sign-in inputs a browser can send: a `next` the URL parser cannot read at all, a
 * `%` that is not an escape, a form body with broken escapes, host names with one-letter labels.
 */
describe('next: a value the URL parser refuses falls back, it never throws', () => {
  it.each(['//[', '//[::1', '//a b/', '//%zz/', '//exa%00mple/'])('%j → the fallback', (next) => {
    expect(safeNextPath(next, '/player.html')).toBe('/player.html');
  });
});

describe('next in Location: a "%" is kept only as the start of a %XX escape', () => {
  it.each([
    ['/a%41', '/a%41'],
    ['/a%4g', '/a%254g'],
    ['/a%4', '/a%254'],
    ['/a%', '/a%25'],
    ['/100%', '/100%25'],
    ['/%e9t%C3%A9', '/%e9t%C3%A9'],
  ])('%s → %s', (path, location) => {
    expect(encodeLocation(path)).toBe(location);
    expect(safeNextPath(path, '/player.html')).toBe(location);
  });
});

describe('a form body is always readable', () => {
  it('broken %-escapes and a lone surrogate are read as text, not refused as malformed', () => {
    expect(
      parseCredentials('application/x-www-form-urlencoded', 'username=al%zzice&password=p%E0%A4%A'),
    ).toEqual({
      ok: true,
      username: 'al%zzice',
      password: 'p\ufffd%A', // %E0%A4 is not UTF-8 on its own
      next: undefined,
      form: true,
    });
    expect(
      parseCredentials('application/x-www-form-urlencoded', 'username=\ud800&password=pw'),
    ).toMatchObject({
      ok: true,
      username: '\ufffd',
    });
  });
});

describe('viewer host: labels of one character anywhere', () => {
  it.each(['a.b', 'cdn.x.example', 'x.y.z:8443', 'media.example.c'])('%s is a host', (host) => {
    expect(parseViewerHost(host)).toBe(host);
  });
});
