import {
  MAX_BODY_BYTES,
  mediaType,
  parseCredentials,
  parseViewerHost,
  safeNextPath,
} from '../../src/login/body';

/**
 * What the sign-in endpoint accepts from a browser or a script, at the exact edge of each limit,
 * and the precise 4xx (status and message) for everything else.
 */
const JSON_TYPE = 'application/json';
const FORM = 'application/x-www-form-urlencoded';
const json = (value: unknown) => JSON.stringify(value);

describe('sign-in bodies', () => {
  it('reads JSON and form bodies, with charset parameters and any letter case', () => {
    expect(
      parseCredentials('Application/JSON; charset=utf-8', json({ username: 'alice', password: 'pw' })),
    ).toEqual({
      ok: true,
      username: 'alice',
      password: 'pw',
      next: undefined,
      form: false,
    });
    expect(
      parseCredentials(` ${FORM} ;charset=UTF-8`, 'username=al%20ice&password=p%26w&next=%2Fplayer.html'),
    ).toEqual({
      ok: true,
      username: 'al ice',
      password: 'p&w',
      next: '/player.html',
      form: true,
    });
    expect(mediaType(undefined)).toBe('');
  });

  it.each([undefined, '', 'text/plain', 'multipart/form-data; boundary=x', 'application/json-patch+json'])(
    'content type %j is 415',
    (type) => {
      expect(parseCredentials(type, json({ username: 'a', password: 'b' }))).toEqual({
        ok: false,
        status: 415,
        message: 'Send application/json or application/x-www-form-urlencoded.',
      });
    },
  );

  it(`a body of ${MAX_BODY_BYTES} bytes is read; one byte more is 413, counting bytes not characters`, () => {
    expect(MAX_BODY_BYTES).toBe(8192);
    const at = json({
      username: 'u'.repeat(8192 - Buffer.byteLength(json({ username: '', password: 'pw' }))),
      password: 'pw',
    });
    expect(Buffer.byteLength(at)).toBe(8192);
    // Read (then refused for the username length, not for the size).
    expect(parseCredentials(JSON_TYPE, at)).toMatchObject({ status: 400 });
    expect(parseCredentials(JSON_TYPE, `${at} `)).toEqual({
      ok: false,
      status: 413,
      message: 'The body is larger than 8192 bytes.',
    });
    // 1000 "é" are 2000 bytes: under the limit; 4100 are 8200 bytes: over it, though only 4100 characters.
    expect(parseCredentials(JSON_TYPE, json({ username: 'a', password: 'é'.repeat(1000) }))).toMatchObject({
      ok: true,
    });
    expect(parseCredentials(JSON_TYPE, json({ username: 'a', password: 'é'.repeat(4100) }))).toMatchObject({
      status: 413,
    });
  });

  it('a missing body is an empty one', () => {
    expect(parseCredentials(JSON_TYPE, undefined)).toEqual({
      ok: false,
      status: 400,
      message: 'The body is not valid JSON.',
    });
    expect(parseCredentials(FORM, undefined)).toEqual({
      ok: false,
      status: 400,
      message: 'A "username" string is required.',
    });
  });

  it.each(['[]', 'null', '"alice"', '42'])('JSON %s is not an object', (body) => {
    expect(parseCredentials(JSON_TYPE, body)).toEqual({
      ok: false,
      status: 400,
      message: 'The body must be a JSON object.',
    });
  });

  it('a username of 1 to 256 characters, a password of 1 to 1024', () => {
    const user = (username: unknown) => parseCredentials(JSON_TYPE, json({ username, password: 'pw' }));
    const pass = (password: unknown) => parseCredentials(JSON_TYPE, json({ username: 'alice', password }));
    const badUser = { ok: false, status: 400, message: 'A "username" string is required.' };
    const badPass = {
      ok: false,
      status: 400,
      message: 'A "password" string of 1 to 1024 characters is required.',
    };
    expect(user('a')).toMatchObject({ ok: true, username: 'a' });
    expect(user('a'.repeat(256))).toMatchObject({ ok: true });
    expect(user('a'.repeat(257))).toEqual(badUser);
    expect(user('')).toEqual(badUser);
    expect(user(42)).toEqual(badUser);
    expect(pass('p')).toMatchObject({ ok: true, password: 'p' });
    expect(pass('p'.repeat(1024))).toMatchObject({ ok: true });
    expect(pass('p'.repeat(1025))).toEqual(badPass);
    expect(pass('')).toEqual(badPass);
    expect(pass(['pw'])).toEqual(badPass);
  });

  it('next is kept only when it is a string', () => {
    expect(parseCredentials(JSON_TYPE, json({ username: 'a', password: 'b', next: '/x' }))).toMatchObject({
      next: '/x',
    });
    expect(parseCredentials(JSON_TYPE, json({ username: 'a', password: 'b', next: 5 }))).toMatchObject({
      next: undefined,
    });
    expect(parseCredentials(FORM, 'username=a&password=b')).toMatchObject({ next: undefined });
  });
});

describe('safeNextPath: only a local path', () => {
  it.each(['/player.html', '/media/a/?x=1#t', '/', `/${'a'.repeat(1023)}`])('keeps %s', (next) => {
    expect(safeNextPath(next, '/home')).toBe(next);
  });

  it.each([
    undefined,
    '',
    `/${'a'.repeat(1024)}`,
    'player.html',
    'https://evil.example/',
    '//evil.example/',
    '/\\evil.example/',
    '/a\\b',
    '/a\u0000',
    '/a\nb',
    '/a\u007f',
    '/a\u001f',
  ])('replaces %j by the fallback', (next) => {
    expect(safeNextPath(next, '/home')).toBe('/home');
  });
});

describe('parseViewerHost: host[:port], lower-cased', () => {
  it.each([
    ['D111111ABCDEF8.cloudfront.net', 'd111111abcdef8.cloudfront.net'],
    ['localhost:3000', 'localhost:3000'],
    ['a:1', 'a:1'],
    ['a:65535', 'a:65535'],
    ['x-1.example', 'x-1.example'],
    [`${'a'.repeat(63)}.example`, `${'a'.repeat(63)}.example`],
  ])('%s → %s', (value, host) => {
    expect(parseViewerHost(value)).toBe(host);
  });

  it('accepts a name of 253 characters, not 254', () => {
    const label = 'a'.repeat(61);
    const at = `${[label, label, label, label].join('.')}.ab`; // 4 × 61 + 4 dots + 2 = 250
    const name253 = `${at}.cd`.slice(0, 253);
    expect(name253).toHaveLength(253);
    expect(parseViewerHost(name253)).toBe(name253);
    expect(parseViewerHost(`${name253}e`)).toBeUndefined();
    expect(parseViewerHost(`${name253}:443`)).toBe(`${name253}:443`);
  });

  it.each([
    undefined,
    '',
    'a:0',
    'a:65536',
    'a:123456',
    'a:',
    '-a.example',
    'a-.example',
    `${'a'.repeat(64)}.example`,
    'a..example',
    'a.example.',
    'a b',
    'evil.example/x',
    'user@evil.example',
    '[::1]',
    ' a.example',
    'a.example ',
  ])('refuses %j', (value) => {
    expect(parseViewerHost(value)).toBeUndefined();
  });
});
