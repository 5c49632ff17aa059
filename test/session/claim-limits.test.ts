import { sign as cryptoSign } from 'node:crypto';
import { CompactSign, SignJWT } from 'jose';
import {
  importSessionPrivateKey,
  importSessionPublicKey,
  type SessionSigningKey,
  type SessionVerifyKey,
} from '../../src/session/keys';
import { MAX_TOKEN_LENGTH, type VerifyOptions, verifySessionToken } from '../../src/session/token';
import {
  type EdgeVerifyKey,
  importEdgeVerifyKey,
  verifySessionTokenSync,
} from '../../src/session/verify-sync';
import { sessionKey } from './fixtures';

/**
 * Claim limits of a session token, at their exact edge, in both verifiers (login: jose; edge:
 * node:crypto). A signed token is still outside input: the login function signs what it is
 * given, so the verifiers hold the limits the edge relies on (bounded `sub` and `sid`, a known
 * sign-in method, an `iat` not from the future, a bounded token size).
 */
const NOW = 1_800_000_000;
const SKEW = 30;
const OPTIONS: VerifyOptions = {
  issuer: 'edge-auth',
  audience: 'edge-auth-media',
  now: NOW * 1000,
  clockSkewSeconds: SKEW,
  protectedPrefix: '/media/',
};
const key = sessionKey('k1');
let signing: SessionSigningKey;
let joseKeys: Map<string, SessionVerifyKey>;
let edgeKeys: Map<string, EdgeVerifyKey>;

beforeAll(async () => {
  signing = (await importSessionPrivateKey('k1', key.privateKeyPem)).signing;
  joseKeys = new Map([['k1', await importSessionPublicKey('k1', key.publicKeyPem)]]);
  edgeKeys = new Map([['k1', importEdgeVerifyKey('k1', 'ES256', key.publicKeyPem)]]);
});

const CLAIMS = {
  sub: 'alice',
  sid: 's1',
  grants: ['/media/course-42/*'],
  iat: NOW,
  exp: NOW + 600,
  iss: 'edge-auth',
  aud: 'edge-auth-media',
  auth_time: NOW,
  amr: 'pwd',
};

function sign(claims: Record<string, unknown>): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'JWT' }).sign(signing.key);
}

async function outcomes(token: string) {
  return [
    await verifySessionToken(token, joseKeys, OPTIONS),
    verifySessionTokenSync(token, edgeKeys, OPTIONS),
  ];
}

async function expectBoth(
  claims: Record<string, unknown>,
  expected: { ok: true } | { ok: false; reason: string },
) {
  for (const outcome of await outcomes(await sign(claims))) {
    if (expected.ok) expect(outcome.ok).toBe(true);
    else expect(outcome).toEqual(expected);
  }
}

describe('claim limits, both verifiers', () => {
  it('a sub of 1 to 256 characters passes; empty or 257 does not', async () => {
    await expectBoth({ ...CLAIMS, sub: 'a' }, { ok: true });
    await expectBoth({ ...CLAIMS, sub: 'a'.repeat(256) }, { ok: true });
    await expectBoth({ ...CLAIMS, sub: 'a'.repeat(257) }, { ok: false, reason: 'bad-claims' });
    await expectBoth({ ...CLAIMS, sub: '' }, { ok: false, reason: 'bad-claims' });
  });

  it('a sid of up to 128 characters passes; 129 does not', async () => {
    await expectBoth({ ...CLAIMS, sid: 's'.repeat(128) }, { ok: true });
    await expectBoth({ ...CLAIMS, sid: 's'.repeat(129) }, { ok: false, reason: 'bad-claims' });
    await expectBoth({ ...CLAIMS, sid: 7 }, { ok: false, reason: 'bad-claims' });
  });

  it.each(['sub', 'sid', 'exp'])('a token without %s is refused as bad-claims', async (claim) => {
    const { [claim as keyof typeof CLAIMS]: _dropped, ...rest } = CLAIMS;
    await expectBoth(rest, { ok: false, reason: 'bad-claims' });
  });

  // jose names a missing or non-numeric iat/nbf "not-yet-valid" (its claim check is on iat/nbf);
  // the edge says bad-claims. Both refuse, which is what the viewer sees; the reason is for logs.
  it.each<[string, Record<string, unknown>, string]>([
    ['without iat', { iat: undefined }, 'not-yet-valid'],
    ['with a text iat', { iat: String(NOW) }, 'not-yet-valid'],
    ['with a text nbf', { nbf: String(NOW) }, 'not-yet-valid'],
    ['with a text exp', { exp: String(NOW + 600) }, 'bad-claims'],
  ])('a token %s is refused by both', async (_name, change, joseReason) => {
    const [jose, edge] = await outcomes(await sign({ ...CLAIMS, ...change }));
    expect(jose).toEqual({ ok: false, reason: joseReason });
    expect(edge).toEqual({ ok: false, reason: 'bad-claims' });
  });

  it('a token without nbf is fine (nbf is optional)', async () => {
    await expectBoth(CLAIMS, { ok: true });
  });

  it('amr is pwd or oidc, auth_time a number', async () => {
    await expectBoth({ ...CLAIMS, amr: 'oidc' }, { ok: true });
    await expectBoth({ ...CLAIMS, amr: 'otp' }, { ok: false, reason: 'bad-claims' });
    await expectBoth({ ...CLAIMS, amr: undefined }, { ok: false, reason: 'bad-claims' });
    await expectBoth({ ...CLAIMS, auth_time: String(NOW) }, { ok: false, reason: 'bad-claims' });
  });

  it('iat may be up to skew seconds ahead of our clock, not more', async () => {
    await expectBoth({ ...CLAIMS, iat: NOW + SKEW }, { ok: true });
    await expectBoth({ ...CLAIMS, iat: NOW + SKEW + 1 }, { ok: false, reason: 'not-yet-valid' });
  });

  it('nbf may be up to skew seconds ahead of our clock, not more', async () => {
    await expectBoth({ ...CLAIMS, nbf: NOW + SKEW }, { ok: true });
    await expectBoth({ ...CLAIMS, nbf: NOW + SKEW + 1 }, { ok: false, reason: 'not-yet-valid' });
  });

  it('grants must be a list of grants under the prefix', async () => {
    await expectBoth({ ...CLAIMS, grants: '/media/*' }, { ok: false, reason: 'bad-claims' });
    await expectBoth({ ...CLAIMS, grants: ['/media/*', '/etc/*'] }, { ok: false, reason: 'bad-claims' });
    await expectBoth({ ...CLAIMS, grants: [] }, { ok: true });
  });

  it('64 grants pass; 65 are bad claims even when each grant is valid', async () => {
    const grants = (n: number) => Array.from({ length: n }, (_, i) => `/media/c${i}/*`);
    await expectBoth({ ...CLAIMS, grants: grants(64) }, { ok: true });
    await expectBoth({ ...CLAIMS, grants: grants(65) }, { ok: false, reason: 'bad-claims' });
  });

  it('the returned claims are the signed ones, grants de-duplicated', async () => {
    const token = await sign({ ...CLAIMS, grants: ['/media/a/*', '/media/a/*'] });
    for (const outcome of await outcomes(token)) {
      expect(outcome).toEqual({ ok: true, claims: { ...CLAIMS, grants: ['/media/a/*'] } });
    }
  });

  it(`a token of ${MAX_TOKEN_LENGTH} characters is read; one character more is malformed before any crypto`, async () => {
    expect(MAX_TOKEN_LENGTH).toBe(4096);
    // Pad a claim (and a header parameter) so the signed token lands exactly at the limit:
    // base64url turns n bytes into ceil(4n/3) characters, and an ES256 signature is always 86.
    const b64Length = (value: unknown) => Math.ceil((Buffer.byteLength(JSON.stringify(value)) * 4) / 3);
    let header = { alg: 'ES256', kid: 'k1', typ: 'JWT', x: '' };
    let claims = { ...CLAIMS, pad: '' };
    const total = () => b64Length(header) + 1 + b64Length(claims) + 1 + 86;
    // Three more payload bytes are four more characters: the header parameter sets the remainder.
    while (total() % 4 !== MAX_TOKEN_LENGTH % 4) header = { ...header, x: `${header.x}y` };
    while (total() < MAX_TOKEN_LENGTH) claims = { ...claims, pad: `${claims.pad}xxx` };
    const signWith = (h: typeof header, c: typeof claims) =>
      new SignJWT(c).setProtectedHeader(h).sign(signing.key);
    let token = await signWith(header, claims);
    expect(token).toHaveLength(MAX_TOKEN_LENGTH);
    for (const outcome of await outcomes(token)) expect(outcome.ok).toBe(true);
    token = await signWith(header, { ...claims, pad: `${claims.pad}x` });
    expect(token.length).toBeGreaterThan(MAX_TOKEN_LENGTH);
    for (const outcome of await outcomes(token)) expect(outcome).toEqual({ ok: false, reason: 'malformed' });
  });
});

describe('token shape, both verifiers', () => {
  it('a signed token with anything before or after it is malformed, not read', async () => {
    const token = await sign(CLAIMS);
    for (const wrapped of [
      ` ${token}`,
      `${token} `,
      `${token}\n`,
      `\t${token}`,
      `x!${token}`,
      `${token}!x`,
    ]) {
      for (const outcome of await outcomes(wrapped))
        expect(outcome).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('a JWT-shaped string whose header or payload is not JSON is malformed, even when signed', async () => {
    const s = (await sign(CLAIMS)).split('.')[2]!;
    const notJson = Buffer.from('not json').toString('base64url');
    const signedNotJson = await new CompactSign(new TextEncoder().encode('not json'))
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .sign(signing.key);
    for (const junk of ['a.b.c', `${notJson}.${notJson}.${s}`, signedNotJson]) {
      for (const outcome of await outcomes(junk)) expect(outcome).toEqual({ ok: false, reason: 'malformed' });
    }
  });
});

describe('token shape, edge verifier', () => {
  it.each([
    ['.a.b', 'empty header'],
    ['a..b', 'empty payload'],
    ['a.b.', 'empty signature'],
    ['a.b', 'two parts'],
    ['a.b.c.d', 'four parts'],
    ['a.b.c+', 'a non-base64url character'],
    ['a+.b.c', 'a non-base64url character in the header'],
    ['a.b+.c', 'a non-base64url character in the payload'],
    ['', 'empty'],
  ])('%j is malformed (%s)', (token) => {
    expect(verifySessionTokenSync(token, edgeKeys, OPTIONS)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('a header that is not a JSON object is malformed; a crit header is refused', async () => {
    const [, p, s] = (await sign(CLAIMS)).split('.');
    const b64 = (v: string) => Buffer.from(v).toString('base64url');
    for (const header of ['[1]', 'null', '"x"', '{']) {
      expect(verifySessionTokenSync(`${b64(header)}.${p}.${s}`, edgeKeys, OPTIONS)).toEqual({
        ok: false,
        reason: 'malformed',
      });
    }
    const crit = b64(JSON.stringify({ alg: 'ES256', kid: 'k1', crit: ['exp'] }));
    expect(verifySessionTokenSync(`${crit}.${p}.${s}`, edgeKeys, OPTIONS)).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });

  it('a header naming a critical extension neither verifier knows is malformed for both (RFC 7515 section 4.1.11)', async () => {
    // Signed over the crit header (by hand: jose refuses to sign it), so only the extension can be the reason.
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const input = `${b64({ alg: 'ES256', kid: 'k1', crit: ['x-ext'], 'x-ext': 1 })}.${b64(CLAIMS)}`;
    const signature = cryptoSign('sha256', Buffer.from(input), {
      key: key.privateKeyPem,
      dsaEncoding: 'ieee-p1363',
    });
    expect(await outcomes(`${input}.${signature.toString('base64url')}`)).toEqual([
      { ok: false, reason: 'malformed' },
      { ok: false, reason: 'malformed' },
    ]);
  });

  it('a signature of the wrong length is a bad signature, not a crash', async () => {
    const [h, p, s] = (await sign(CLAIMS)).split('.') as [string, string, string];
    const sig = Buffer.from(s, 'base64url');
    for (const bad of [sig.subarray(0, 63), Buffer.concat([sig, Buffer.from([0])])]) {
      expect(verifySessionTokenSync(`${h}.${p}.${bad.toString('base64url')}`, edgeKeys, OPTIONS)).toEqual({
        ok: false,
        reason: 'bad-signature',
      });
    }
  });
});
