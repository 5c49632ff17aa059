import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { resolveSettings } from '../../src/config/settings';
import { decideFunctionMode, isRevokedByEntries } from '../../src/edge/decide-function';
import { buildFunctionEdgeConfig } from '../../src/edge/function-config';
import { HmacKeyringError, hmacKeyEntryName, parseHmacKeyring } from '../../src/session/hmac-keys';

const SECRET = 'A'.repeat(43);

describe('parseHmacKeyring', () => {
  it('reads the contract shape', () => {
    expect(parseHmacKeyring(JSON.stringify({ active: 'k2', keys: { k1: SECRET, k2: SECRET } }), 'f')).toEqual(
      {
        active: 'k2',
        keys: { k1: SECRET, k2: SECRET },
      },
    );
  });

  it.each([
    ['not JSON', '{', /f is not JSON/],
    ['no keys', '{"active":"a","keys":{}}', /lists no keys/],
    ['active not listed', `{"active":"b","keys":{"a":"${SECRET}"}}`, /"active" must name one of its keys/],
    ['a bad kid', `{"active":"A","keys":{"A":"${SECRET}"}}`, /key id "A" is not/],
    ['a short secret', '{"active":"a","keys":{"a":"abc"}}', /key "a" is not 32 bytes/],
  ])('refuses %s', (_name, text, message) => {
    expect(() => parseHmacKeyring(text, 'f')).toThrow(message);
  });

  it('refuses with ERR_HMAC_KEYRING, as an HmacKeyringError naming the source', () => {
    let error: unknown;
    try {
      parseHmacKeyring('{', 'EDGE_AUTH_SESSION_HMAC_KEYS');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HmacKeyringError);
    expect(error).toMatchObject({
      name: 'HmacKeyringError',
      code: 'ERR_HMAC_KEYRING',
      message: 'EDGE_AUTH_SESSION_HMAC_KEYS is not JSON',
    });
  });

  it.each([
    ['null', 'null'],
    ['a string', '"k1"'],
    ['a list', `["${SECRET}"]`],
    ['an object without keys', '{"active":"k1"}'],
    ['keys: null', '{"active":"k1","keys":null}'],
    ['keys as a string', '{"active":"k1","keys":"k1"}'],
  ])('refuses %s with the expected shape in the message', (_name, text) => {
    expect(() => parseHmacKeyring(text, 'f')).toThrow(
      new HmacKeyringError('f must be {"active": "<kid>", "keys": {"<kid>": "<secret>"}}'),
    );
  });

  it('accepts a kid of 1 to 32 characters [a-z0-9-], nothing before or after', () => {
    const ring = (kid: string) => JSON.stringify({ active: kid, keys: { [kid]: SECRET } });
    for (const kid of ['a', '2026-01-k1', 'k'.repeat(32)]) {
      expect(parseHmacKeyring(ring(kid), 'f').active).toBe(kid);
    }
    for (const kid of ['k'.repeat(33), 'Key1', 'k1!', '_k1', 'k1 ', ' k1']) {
      expect(() => parseHmacKeyring(ring(kid), 'f')).toThrow(`f: key id "${kid}" is not [a-z0-9-]{1,32}`);
    }
  });

  it('quotes at most 40 characters of a bad kid, so a secret put in its place is not echoed', () => {
    // Key and secret swapped by hand: the 43-character secret sits where the kid goes.
    const secret = 'Qk3x9_vT-2mLp0aZr7YcN4uWd8eHs1fJg6iKo5bVtXy';
    expect(secret).toHaveLength(43);
    const text = JSON.stringify({ active: 'k1', keys: { [secret]: 'k1' } });
    expect(() => parseHmacKeyring(text, 'f')).toThrow(`f: key id "${secret.slice(0, 40)}" is not`);
    expect(() => parseHmacKeyring(text, 'f')).not.toThrow(secret);
  });

  it('needs each secret as a string of exactly 43 base64url characters (32 bytes, unpadded)', () => {
    const ring = (secret: unknown) => JSON.stringify({ active: 'k1', keys: { k1: secret } });
    expect(parseHmacKeyring(ring(SECRET), 'f').keys.k1).toBe(SECRET);
    const mixed = 'AZaz09-_AZaz09-_AZaz09-_AZaz09-_AZaz09-_xyz';
    expect(parseHmacKeyring(ring(mixed), 'f').keys.k1).toBe(mixed);
    for (const bad of [
      'A'.repeat(42),
      'A'.repeat(44),
      `${SECRET}=`, // padded base64url
      `+${'A'.repeat(42)}`, // standard base64
      `${'A'.repeat(42)}/`,
      [SECRET], // not a string, even if its text would pass
      43,
      null,
    ]) {
      expect(() => parseHmacKeyring(ring(bad), 'f')).toThrow('f: key "k1" is not 32 bytes of base64url');
    }
  });

  it('needs "active" to be one of the listed kids, not a name every object answers to', () => {
    const keys = { k1: SECRET, '1': SECRET };
    for (const active of ['constructor', 'tostring', '__proto__', 'hasOwnProperty', 1, null, undefined]) {
      expect(() => parseHmacKeyring(JSON.stringify({ active, keys }), 'f')).toThrow(
        'f: "active" must name one of its keys',
      );
    }
  });

  it('on any input returns a keyring or throws HmacKeyringError, never echoing a secret-like value', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        try {
          parseHmacKeyring(text, 'f');
        } catch (error) {
          expect(error).toBeInstanceOf(HmacKeyringError);
          const secrets = text.match(/[A-Za-z0-9_-]{43}/g) ?? [];
          for (const s of secrets) expect((error as Error).message).not.toContain(s);
        }
      }),
    );
  });
});

describe('hmacKeyEntryName (the KeyValueStore contract with the function edge mode)', () => {
  it('stores each key as key:<kid>, which is where the CloudFront Function looks it up', async () => {
    expect(hmacKeyEntryName('k1')).toBe('key:k1');
    const config = buildFunctionEdgeConfig(resolveSettings('dev'));
    const now = 1_800_000_000;
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const input = `${b64({ alg: 'HS256', kid: 'k2' })}.${b64({
      sub: 'alice',
      sid: 's1',
      grants: [`${config.protectedPrefix}*`],
      iat: now,
      exp: now + 60,
      iss: config.issuer,
      aud: config.audience,
      auth_time: now,
      amr: 'pwd',
    })}`;
    const hmac = (secret: string, text: string) =>
      createHmac('sha256', Buffer.from(secret, 'base64url')).update(text).digest('base64url');
    const ring = parseHmacKeyring(
      JSON.stringify({ active: 'k2', keys: { k1: SECRET, k2: `${'B'.repeat(42)}A` } }),
      'f',
    );
    const entries = new Map(
      Object.entries(ring.keys).map(([kid, secret]) => [hmacKeyEntryName(kid), secret]),
    );
    const decision = await decideFunctionMode(
      {
        method: 'GET',
        uri: `${config.protectedPrefix}a.mp4`,
        querystring: '',
        cookie: `${config.cookieName}=${input}.${hmac(ring.keys.k2!, input)}`,
      },
      config,
      now * 1000,
      { get: async (key) => entries.get(key) },
      hmac,
    );
    expect(decision).toEqual({ kind: 'allow', sub: 'alice' });
  });
});

describe('isRevokedByEntries (the function mode mirror of isRevokedBy)', () => {
  it.each([
    [{}, 100, false],
    [{ session: '2000' }, 100, true],
    [{ user: '150:2000' }, 100, true],
    [{ user: '100:2000' }, 100, false],
    [{ user: '50:2000' }, 100, false],
    [{ user: 'garbage' }, 100, true],
  ] as const)('%j for auth_time %d → %s', (entries, authTime, revoked) => {
    expect(isRevokedByEntries(entries, { auth_time: authTime })).toBe(revoked);
  });
});
