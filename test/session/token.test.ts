import { createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { SignJWT } from 'jose';
import {
  importSessionHmacKey,
  importSessionPrivateKey,
  importSessionPublicKey,
  type SessionVerifyKey,
} from '../../src/session/keys';
import { type IssueInput, issueSessionToken, verifySessionToken } from '../../src/session/token';
import { verifyHs256SessionToken } from '../../src/session/verify-hs256';
import { sessionKey } from './fixtures';

const NOW = 1_800_000_000;
const base: IssueInput = {
  sub: 'alice',
  grants: ['/media/course-42/*'],
  sid: 'sid-1',
  authTime: NOW,
  method: 'pwd',
  now: NOW,
  ttlSeconds: 3600,
  absoluteLifetimeSeconds: 43200,
  issuer: 'edge-auth',
  audience: 'edge-auth-media',
};
const opts = (nowSec = NOW) => ({
  issuer: 'edge-auth',
  audience: 'edge-auth-media',
  now: nowSec * 1000,
  clockSkewSeconds: 30,
  protectedPrefix: '/media/',
});

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('session tokens', () => {
  const k1 = sessionKey('k1');
  const k2 = sessionKey('k2', 'ed25519');
  let signer1: Awaited<ReturnType<typeof importSessionPrivateKey>>;
  let signer2: Awaited<ReturnType<typeof importSessionPrivateKey>>;
  let keys: Map<string, SessionVerifyKey>;

  beforeAll(async () => {
    signer1 = await importSessionPrivateKey('k1', k1.privateKeyPem);
    signer2 = await importSessionPrivateKey('k2', k2.privateKeyPem);
    keys = new Map([
      ['k1', await importSessionPublicKey('k1', k1.publicKeyPem)],
      ['k2', await importSessionPublicKey('k2', k2.publicKeyPem)],
    ]);
  });

  it('round-trips with ES256 and EdDSA keys active at once (rotation)', async () => {
    for (const signer of [signer1, signer2]) {
      const { token } = await issueSessionToken(base, signer.signing);
      const out = await verifySessionToken(token, keys, opts());
      expect(out).toEqual({
        ok: true,
        claims: expect.objectContaining({ sub: 'alice', exp: NOW + 3600, sid: 'sid-1' }),
      });
    }
    expect(signer1.signing.alg).toBe('ES256');
    expect(signer2.signing.alg).toBe('EdDSA');
  });

  it('names its algorithm, key id and type JWT in the header (RFC 7519 section 5.1)', async () => {
    const { token } = await issueSessionToken(base, signer1.signing);
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString());
    expect(header).toEqual({ alg: 'ES256', kid: 'k1', typ: 'JWT' });
  });

  it('an HS256 key from its base64url secret (function edge mode) signs tokens both verifiers accept', async () => {
    const secret = randomBytes(32).toString('base64url');
    const key = importSessionHmacKey('h1', secret);
    expect(key.kid).toBe('h1');
    expect(key.alg).toBe('HS256');
    const { token, claims } = await issueSessionToken(base, key);
    // The login function (jose) on /auth/refresh...
    expect(await verifySessionToken(token, new Map([['h1', key]]), opts())).toEqual({ ok: true, claims });
    // ...and the CloudFront Function, whose HMAC is keyed by the decoded secret bytes.
    const hmac = (s: string, input: string) =>
      createHmac('sha256', Buffer.from(s, 'base64url')).update(input).digest('base64url');
    const lookup = async (kid: string) => (kid === 'h1' ? secret : undefined);
    expect(await verifyHs256SessionToken(token, lookup, hmac, opts())).toEqual({ ok: true, claims });
  });

  it('with an expired-grace window (/auth/refresh) a token is read until exp + skew + grace, not after', async () => {
    const { token } = await issueSessionToken(base, signer1.signing);
    const exp = NOW + 3600;
    const grace = { expiredGraceSeconds: 600 };
    expect((await verifySessionToken(token, keys, { ...opts(exp + 30 + 600 - 1), ...grace })).ok).toBe(true);
    expect(await verifySessionToken(token, keys, { ...opts(exp + 30 + 600), ...grace })).toEqual({
      ok: false,
      reason: 'expired',
    });
    expect(await verifySessionToken(token, keys, opts(exp + 30 + 600 - 1))).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('caps exp at the absolute lifetime', async () => {
    const { claims } = await issueSessionToken({ ...base, authTime: NOW - 43200 + 60 }, signer1.signing);
    expect(claims.exp).toBe(NOW + 60);
  });

  it('refuses expired and not-yet-valid tokens, with skew', async () => {
    const { token } = await issueSessionToken(base, signer1.signing);
    expect((await verifySessionToken(token, keys, opts(NOW + 3600 + 29))).ok).toBe(true);
    expect(await verifySessionToken(token, keys, opts(NOW + 3600 + 31))).toEqual({
      ok: false,
      reason: 'expired',
    });
    expect(await verifySessionToken(token, keys, opts(NOW - 120))).toEqual({
      ok: false,
      reason: 'not-yet-valid',
    });
  });

  it('refuses wrong issuer and wrong audience', async () => {
    const iss = await issueSessionToken({ ...base, issuer: 'someone-else' }, signer1.signing);
    expect(await verifySessionToken(iss.token, keys, opts())).toEqual({ ok: false, reason: 'wrong-issuer' });
    const aud = await issueSessionToken({ ...base, audience: 'other' }, signer1.signing);
    expect(await verifySessionToken(aud.token, keys, opts())).toEqual({
      ok: false,
      reason: 'wrong-audience',
    });
  });

  it('refuses a tampered payload', async () => {
    const { token } = await issueSessionToken(base, signer1.signing);
    const [h, p, s] = token.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const forged = `${h}.${b64({ ...claims, grants: ['/media/*'] })}.${s}`;
    expect(await verifySessionToken(forged, keys, opts())).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('refuses alg none', async () => {
    const { token } = await issueSessionToken(base, signer1.signing);
    const payload = token.split('.')[1];
    const none = `${b64({ alg: 'none', kid: 'k1', typ: 'JWT' })}.${payload}.`;
    expect((await verifySessionToken(none, keys, opts())).ok).toBe(false);
    const noneSig = `${b64({ alg: 'none', kid: 'k1' })}.${payload}.AAAA`;
    expect((await verifySessionToken(noneSig, keys, opts())).ok).toBe(false);
  });

  it('refuses HS256 signed with the public key as the secret', async () => {
    const { token } = await issueSessionToken(base, signer1.signing);
    const payload = token.split('.')[1];
    const header = b64({ alg: 'HS256', kid: 'k1', typ: 'JWT' });
    const sig = createHmac('sha256', k1.publicKeyPem).update(`${header}.${payload}`).digest('base64url');
    expect(await verifySessionToken(`${header}.${payload}.${sig}`, keys, opts())).toEqual({
      ok: false,
      reason: 'bad-algorithm',
    });
  });

  it('refuses a token from another key under a known kid, and an unknown kid', async () => {
    const stranger = await importSessionPrivateKey('k1', sessionKey('k1').privateKeyPem);
    const forged = await issueSessionToken(base, stranger.signing);
    expect(await verifySessionToken(forged.token, keys, opts())).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    const other = await importSessionPrivateKey('k9', sessionKey('k9').privateKeyPem);
    const unknown = await issueSessionToken(base, other.signing);
    expect(await verifySessionToken(unknown.token, keys, opts())).toEqual({
      ok: false,
      reason: 'unknown-key',
    });
  });

  it('refuses grants outside the protected prefix even when signed', async () => {
    const token = await new SignJWT({
      ...base,
      grants: ['/admin/*'],
      auth_time: NOW,
      amr: 'pwd',
      iss: base.issuer,
      aud: base.audience,
    })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuedAt(NOW)
      .setExpirationTime(NOW + 60)
      .sign(signer1.signing.key);
    expect(await verifySessionToken(token, keys, opts())).toEqual({ ok: false, reason: 'bad-claims' });
  });

  it('never throws for arbitrary strings and JWT-shaped junk', async () => {
    const jwtish = fc
      .tuple(fc.base64String(), fc.base64String(), fc.base64String())
      .map((parts) =>
        parts.map((p) => p.replace(/\+/g, '-').replace(/\//g, '_').replace(/=/g, '')).join('.'),
      );
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), jwtish), async (token) => {
        const out = await verifySessionToken(token, keys, opts());
        expect(out.ok).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});
