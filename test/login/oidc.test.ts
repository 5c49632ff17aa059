import { generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import { createLocalJWKSet, exportJWK, type JWK, SignJWT } from 'jose';
import type { OidcSettings } from '../../src/config/settings';
import { createOidcVerifier, type OidcVerifier } from '../../src/login/oidc';

// ID tokens of an identity provider: signed by a key of its JWKS with an asymmetric algorithm, for
// our client (aud), by our issuer, current, with a subject; the grants claim maps to grants.
const NOW = 1_800_000_000_000;
const IAT = NOW / 1000;
const OIDC: OidcSettings = {
  issuer: 'https://idp.example.com',
  audience: 'client-1',
  jwksUrl: 'https://idp.example.com/.well-known/jwks.json',
  grantsClaim: 'groups',
  grantMap: { premium: ['/media/premium/*'], free: ['/media/free/*'] },
};
const INVALID = { ok: false, reason: 'invalid-token' };
const NO_GRANTS = { ok: false, reason: 'no-grants' };
const PREMIUM = { ok: true, username: 'user-123', grants: ['/media/premium/*'] };

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const ed25519 = generateKeyPairSync('ed25519');
const HMAC_SECRET = randomBytes(32);

let jwks: JWK[];

beforeAll(async () => {
  jwks = [
    { ...(await exportJWK(rsa.publicKey)), kid: 'rsa' },
    { ...(await exportJWK(p256.publicKey)), kid: 'p256' },
    { ...(await exportJWK(p384.publicKey)), kid: 'p384' },
    { ...(await exportJWK(ed25519.publicKey)), kid: 'ed' },
    // A provider publishing a symmetric key must not turn it into a way to mint ID tokens.
    { kty: 'oct', k: HMAC_SECRET.toString('base64url'), kid: 'hmac' },
  ];
});

const verifier = (over: Partial<OidcSettings> = {}): OidcVerifier =>
  createOidcVerifier({ ...OIDC, ...over }, '/media/', createLocalJWKSet({ keys: jwks }));

function idToken(
  claims: Record<string, unknown> = {},
  signer: { alg: string; kid: string; key: KeyObject | Uint8Array } = {
    alg: 'RS256',
    kid: 'rsa',
    key: rsa.privateKey,
  },
): Promise<string> {
  const payload: Record<string, unknown> = {
    iss: OIDC.issuer,
    aud: OIDC.audience,
    sub: 'user-123',
    iat: IAT,
    exp: IAT + 300,
    groups: ['premium', 'unknown'],
    ...claims,
  };
  for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
  return new SignJWT(payload).setProtectedHeader({ alg: signer.alg, kid: signer.kid }).sign(signer.key);
}

describe('the signature algorithm of an ID token', () => {
  it.each([
    ['RS256', 'rsa', rsa.privateKey],
    ['RS384', 'rsa', rsa.privateKey],
    ['RS512', 'rsa', rsa.privateKey],
    ['PS256', 'rsa', rsa.privateKey],
    ['ES256', 'p256', p256.privateKey],
    ['ES384', 'p384', p384.privateKey],
    ['EdDSA', 'ed', ed25519.privateKey],
  ])('accepts %s, an asymmetric algorithm providers sign with', async (alg, kid, key) => {
    expect(await verifier().verify(await idToken({}, { alg, kid, key }), NOW)).toEqual(PREMIUM);
  });

  it('refuses HS256, even with a symmetric key in the JWKS', async () => {
    const token = await idToken({}, { alg: 'HS256', kid: 'hmac', key: HMAC_SECRET });
    expect(await verifier().verify(token, NOW)).toEqual(INVALID);
  });
});

describe('the claims of an ID token', () => {
  it('refuses another issuer, another audience, and a token past its expiry and the clock skew', async () => {
    const v = verifier();
    expect(await v.verify(await idToken({ iss: 'https://other.example.com' }), NOW)).toEqual(INVALID);
    expect(await v.verify(await idToken({ aud: 'client-2' }), NOW)).toEqual(INVALID);
    expect(await v.verify(await idToken({ exp: IAT - 31 }), NOW)).toEqual(INVALID);
    expect(await v.verify(await idToken({ exp: IAT - 29 }), NOW)).toEqual(PREMIUM);
  });

  it('refuses a token without exp, without iat, or without sub (even when the username is another claim)', async () => {
    const v = verifier({ usernameClaim: 'email' });
    const claims = { email: 'alice@example.com' };
    expect(await v.verify(await idToken(claims), NOW)).toMatchObject({
      ok: true,
      username: 'alice@example.com',
    });
    expect(await v.verify(await idToken({ ...claims, exp: undefined }), NOW)).toEqual(INVALID);
    expect(await v.verify(await idToken({ ...claims, iat: undefined }), NOW)).toEqual(INVALID);
    expect(await v.verify(await idToken({ ...claims, sub: undefined }), NOW)).toEqual(INVALID);
  });

  it('takes a username of 1 to 256 characters from the username claim, and refuses any other', async () => {
    const v = verifier({ usernameClaim: 'email' });
    const longest = `${'a'.repeat(244)}@example.com`;
    expect(longest).toHaveLength(256);
    expect(await v.verify(await idToken({ email: longest }), NOW)).toEqual({
      ok: true,
      username: longest,
      grants: ['/media/premium/*'],
    });
    for (const email of [`a${longest}`, '', 42, ['alice@example.com'], undefined]) {
      expect([email, await v.verify(await idToken({ email }), NOW)]).toEqual([email, INVALID]);
    }
  });
});

describe('the grants claim', () => {
  it('maps a single string value as a one-element list', async () => {
    expect(await verifier().verify(await idToken({ groups: 'premium' }), NOW)).toEqual(PREMIUM);
  });

  it('skips values that are not strings, and maps the others', async () => {
    const token = await idToken({ groups: [42, { premium: true }, ['premium'], 'free'] });
    expect(await verifier().verify(token, NOW)).toEqual({
      ok: true,
      username: 'user-123',
      grants: ['/media/free/*'],
    });
  });

  it('refuses with no-grants when the claim is missing, not a string or list, or maps to nothing', async () => {
    const v = verifier();
    for (const groups of [undefined, { premium: true }, 7, [], ['unknown']]) {
      expect([groups, await v.verify(await idToken({ groups }), NOW)]).toEqual([groups, NO_GRANTS]);
    }
  });

  it('keeps at most 64 grants (what a session carries), the first ones in claim order', async () => {
    const course = (i: number) => `/media/course-${String(i).padStart(2, '0')}/*`;
    const first = Array.from({ length: 40 }, (_, i) => course(i));
    const second = Array.from({ length: 40 }, (_, i) => course(40 + i));
    const v = verifier({ grantMap: { first, second } });
    const out = await v.verify(await idToken({ groups: ['first', 'second'] }), NOW);
    expect(out).toEqual({ ok: true, username: 'user-123', grants: [...first, ...second.slice(0, 24)] });
  });
});
