import { createHmac, randomBytes } from 'node:crypto';
import { type HmacSha256, verifyHs256SessionToken } from '../../src/session/verify-hs256';

// The function edge mode's verifier, with the reason each refusal gives: an attacker's token must
// fail for the right reason (the logs and the answer's code depend on it), and a valid one must pass
// with exactly its claims.

const NOW = 1_800_000_000;
const SECRET = randomBytes(32).toString('base64url');
const OTHER = randomBytes(32).toString('base64url');
const OPTIONS = {
  issuer: 'edge-auth',
  audience: 'edge-auth-media',
  now: NOW * 1000,
  clockSkewSeconds: 30,
  protectedPrefix: '/media/',
};

const hmac: HmacSha256 = (secret, input) =>
  createHmac('sha256', Buffer.from(secret, 'base64url')).update(input).digest('base64url');
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const keys: Record<string, string> = { h1: SECRET, h2: OTHER };
const lookup = async (kid: string) => keys[kid];

function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sub: 'alice',
    sid: 's1',
    grants: ['/media/demo/*'],
    iat: NOW - 10,
    exp: NOW + 300,
    iss: OPTIONS.issuer,
    aud: OPTIONS.audience,
    auth_time: NOW - 10,
    amr: 'pwd',
    ...overrides,
  };
}

function token(
  payload: Record<string, unknown> = claims(),
  header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT', kid: 'h1' },
  secret = SECRET,
): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${hmac(secret, input)}`;
}

const verify = (t: string, options = OPTIONS) => verifyHs256SessionToken(t, lookup, hmac, options);
const reasonOf = async (t: string, options = OPTIONS) => {
  const outcome = await verify(t, options);
  return outcome.ok ? 'ok' : outcome.reason;
};

describe('verifyHs256SessionToken', () => {
  it('accepts a token signed with the key its kid names, with exactly its claims', async () => {
    const outcome = await verify(token());
    expect(outcome).toEqual({ ok: true, claims: claims() });
    // Either key of a rotation overlap.
    expect(await reasonOf(token(claims(), { alg: 'HS256', kid: 'h2' }, OTHER))).toBe('ok');
  });

  it('refuses a signature made with another key, or altered in one character', async () => {
    expect(await reasonOf(token(claims(), { alg: 'HS256', kid: 'h1' }, OTHER))).toBe('bad-signature');
    const t = token();
    const last = t.at(-1) === 'A' ? 'B' : 'A';
    expect(await reasonOf(`${t.slice(0, -1)}${last}`)).toBe('bad-signature');
    // A signature one character longer or shorter than the real one.
    expect(await reasonOf(`${t}A`)).toBe('bad-signature');
    expect(await reasonOf(t.slice(0, -1))).toBe('bad-signature');
  });

  it('refuses a payload changed after signing', async () => {
    const [h, , s] = token().split('.');
    expect(await reasonOf(`${h}.${b64(claims({ grants: ['/media/*'] }))}.${s}`)).toBe('bad-signature');
  });

  it('refuses an unknown kid instead of trying another key', async () => {
    expect(await reasonOf(token(claims(), { alg: 'HS256', kid: 'h3' }))).toBe('unknown-key');
    expect(await reasonOf(token(claims(), { alg: 'HS256' }))).toBe('unknown-key');
    // A kid is checked before it becomes a KeyValueStore key name.
    const asked: string[] = [];
    const spy = async (kid: string) => {
      asked.push(kid);
      return keys[kid];
    };
    for (const kid of ['../key:h1', 'H1', '', 'a'.repeat(33), 7]) {
      const outcome = await verifyHs256SessionToken(
        token(claims(), { alg: 'HS256', kid }),
        spy,
        hmac,
        OPTIONS,
      );
      expect(outcome).toEqual({ ok: false, reason: 'unknown-key' });
    }
    expect(asked).toEqual([]);
  });

  it('refuses every algorithm but HS256 before any key lookup', async () => {
    for (const alg of ['none', 'ES256', 'hs256', 'HS512', undefined]) {
      expect(await reasonOf(token(claims(), { alg, kid: 'h1' }))).toBe('bad-algorithm');
    }
  });

  it('refuses malformed tokens', async () => {
    const t = token();
    const [h, p, s] = t.split('.') as [string, string, string];
    for (const bad of [
      '',
      'abc',
      `${h}.${p}`,
      `${h}.${p}.${s}.x`,
      `.${p}.${s}`,
      `${h}..${s}`,
      `${h}.${p}.`,
      `${h}.${p}.${s}=`,
      `${h}!.${p}.${s}`,
      `${b64('text')}.${p}.${s}`,
      `${Buffer.from('{').toString('base64url')}.${p}.${s}`,
      `${b64({ alg: 'HS256', kid: 'h1', crit: ['exp'] })}.${p}.${s}`,
      't'.repeat(5000),
    ]) {
      expect([bad.slice(0, 30), await reasonOf(bad)]).toEqual([bad.slice(0, 30), 'malformed']);
    }
    // A payload that is not a JSON object, correctly signed.
    const input = `${h}.${Buffer.from('[1]').toString('base64url')}`;
    expect(await reasonOf(`${input}.${hmac(SECRET, input)}`)).toBe('malformed');
  });

  it('refuses a token with anything around its three parts: spaces, quotes, a fourth part in front', async () => {
    const t = token();
    for (const bad of [` ${t}`, `${t} `, `"${t}"`, `${t}\n`, `!${t}`, `x.${t}`]) {
      expect([bad.slice(0, 5), await reasonOf(bad)]).toEqual([bad.slice(0, 5), 'malformed']);
    }
  });

  it('refuses a payload in standard base64 (+ and /) even when correctly signed: JWS is base64url', async () => {
    const standard = Buffer.from(JSON.stringify(claims({ sub: 'a>>?~' })))
      .toString('base64')
      .replace(/=+$/, '');
    expect(standard).toMatch(/[+/]/);
    const input = `${b64({ alg: 'HS256', kid: 'h1' })}.${standard}`;
    expect(await reasonOf(`${input}.${hmac(SECRET, input)}`)).toBe('malformed');
  });

  it('refuses exp, iat or nbf written past the range of a number (1e999 parses as Infinity)', async () => {
    const signed = (json: string) => {
      const input = `${b64({ alg: 'HS256', kid: 'h1' })}.${Buffer.from(json).toString('base64url')}`;
      return `${input}.${hmac(SECRET, input)}`;
    };
    const text = JSON.stringify(claims({ nbf: NOW - 10 }));
    expect(await reasonOf(signed(text))).toBe('ok');
    for (const [claim, value] of [
      ['exp', '1e999'],
      ['iat', '-1e999'],
      ['nbf', '-1e999'],
    ] as const) {
      const json = text.replace(new RegExp(`"${claim}":\\d+`), `"${claim}":${value}`);
      expect(json).toContain(`"${claim}":${value}`);
      expect([claim, await reasonOf(signed(json))]).toEqual([claim, 'bad-claims']);
    }
  });

  it('applies the clock skew on exp, nbf and iat in the safe direction only', async () => {
    // exp: still valid up to skew seconds after it, never longer.
    expect(await reasonOf(token(claims({ exp: NOW - 29 })))).toBe('ok');
    expect(await reasonOf(token(claims({ exp: NOW - 30 })))).toBe('expired');
    expect(await reasonOf(token(claims({ exp: NOW - 31 })))).toBe('expired');
    // nbf and iat: up to skew seconds in the future.
    expect(await reasonOf(token(claims({ nbf: NOW + 30 })))).toBe('ok');
    expect(await reasonOf(token(claims({ nbf: NOW + 31 })))).toBe('not-yet-valid');
    expect(await reasonOf(token(claims({ iat: NOW + 30 })))).toBe('ok');
    expect(await reasonOf(token(claims({ iat: NOW + 31 })))).toBe('not-yet-valid');
    // Without skew the boundary is the second itself.
    const noSkew = { ...OPTIONS, clockSkewSeconds: 0 };
    expect(await reasonOf(token(claims({ exp: NOW + 1 })), noSkew)).toBe('ok');
    expect(await reasonOf(token(claims({ exp: NOW })), noSkew)).toBe('expired');
  });

  it('needs exp and iat as numbers; nbf is optional but must be a number', async () => {
    for (const bad of [
      { exp: undefined },
      { exp: '1900000000' },
      { exp: Number.NaN },
      { iat: undefined },
      { iat: 'x' },
      { nbf: 'x' },
      { nbf: null },
    ]) {
      expect([bad, await reasonOf(token(claims(bad)))]).toEqual([bad, 'bad-claims']);
    }
    // JSON has no Infinity: it travels as null.
    expect(await reasonOf(token(claims({ exp: Number.POSITIVE_INFINITY })))).toBe('bad-claims');
  });

  it('checks issuer and audience exactly (audience may be a list)', async () => {
    expect(await reasonOf(token(claims({ iss: 'edge-auth2' })))).toBe('wrong-issuer');
    expect(await reasonOf(token(claims({ iss: undefined })))).toBe('wrong-issuer');
    expect(await reasonOf(token(claims({ aud: 'other' })))).toBe('wrong-audience');
    expect(await reasonOf(token(claims({ aud: ['other', OPTIONS.audience] })))).toBe('ok');
    expect(await reasonOf(token(claims({ aud: ['other'] })))).toBe('wrong-audience');
    expect(await reasonOf(token(claims({ aud: `${OPTIONS.audience}x` })))).toBe('wrong-audience');
  });

  it('needs the session claims: sub, sid, auth_time, amr and grants inside the protected prefix', async () => {
    for (const bad of [
      { sub: undefined },
      { sub: '' },
      { sub: 7 },
      { sid: undefined },
      { sid: 's'.repeat(129) },
      { auth_time: undefined },
      { amr: 'otp' },
      { grants: ['/other/*'] },
      { grants: 'x' },
    ]) {
      expect([bad, await reasonOf(token(claims(bad)))]).toEqual([bad, 'bad-claims']);
    }
  });
});
