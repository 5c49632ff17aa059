import { type EdgeConfig, validateEdgeConfig } from '../../src/edge/config';
import { createEdgeRuntime, decide, type EdgeRequest } from '../../src/edge/decide';
import {
  importSessionPrivateKey,
  importSessionPublicKey,
  type SessionSigningKey,
  type SessionVerifyKey,
} from '../../src/session/keys';
import { issueSessionToken, type VerifyOptions, verifySessionToken } from '../../src/session/token';
import {
  type EdgeVerifyKey,
  importEdgeVerifyKey,
  verifySessionTokenSync,
} from '../../src/session/verify-sync';
import { sessionKey } from '../session/fixtures';

/**
 * Two security bugs from issue 11, stated as behaviour of both session verifiers (jose for the
 * login function, node:crypto for the edge) and of the edge decision with its session cache:
 * - a token naming a `kid` we do not hold must be refused, never checked against some other key;
 * - the clock skew widens the window by `skew` seconds past `exp`, not less and not more.
 */
const NOW = 1_800_000_000;
const SKEW = 30;
const EXP = NOW + 600;
const OPTIONS: VerifyOptions = {
  issuer: 'edge-auth',
  audience: 'edge-auth-media',
  now: NOW * 1000,
  clockSkewSeconds: SKEW,
  protectedPrefix: '/media/',
};

const k1 = sessionKey('k1');
const k2 = sessionKey('k2', 'ed25519');
let signingK1: SessionSigningKey;
let joseKeys: Map<string, SessionVerifyKey>;
let edgeKeys: Map<string, EdgeVerifyKey>;
let edgeConfig: EdgeConfig;

beforeAll(async () => {
  signingK1 = (await importSessionPrivateKey('k1', k1.privateKeyPem)).signing;
  joseKeys = new Map([
    ['k1', await importSessionPublicKey('k1', k1.publicKeyPem)],
    ['k2', await importSessionPublicKey('k2', k2.publicKeyPem)],
  ]);
  edgeKeys = new Map([
    ['k1', importEdgeVerifyKey('k1', 'ES256', k1.publicKeyPem)],
    ['k2', importEdgeVerifyKey('k2', 'EdDSA', k2.publicKeyPem)],
  ]);
  edgeConfig = validateEdgeConfig({
    version: 1,
    stage: 'test',
    issuer: OPTIONS.issuer,
    audience: OPTIONS.audience,
    cookieName: 'edge_session',
    protectedPrefix: '/media/',
    signInPath: '/auth/sign-in',
    allowedOrigins: [],
    clockSkewSeconds: SKEW,
    sessionCacheSize: 10,
    keys: [
      { kid: 'k1', alg: 'ES256', spki: k1.publicKeyPem },
      { kid: 'k2', alg: 'EdDSA', spki: k2.publicKeyPem },
    ],
  });
});

/** A token signed by k1's private key; `kid` is what its header claims. */
async function tokenSignedByK1(kid: string, ttlSeconds = EXP - NOW): Promise<string> {
  const { token } = await issueSessionToken(
    {
      sub: 'alice',
      grants: ['/media/course-42/*'],
      sid: 's1',
      authTime: NOW,
      method: 'pwd',
      now: NOW,
      ttlSeconds,
      absoluteLifetimeSeconds: 43_200,
      issuer: OPTIONS.issuer,
      audience: OPTIONS.audience,
    },
    { ...signingK1, kid },
  );
  return token;
}

async function bothVerifiers(token: string, atSeconds: number) {
  const options = { ...OPTIONS, now: atSeconds * 1000 };
  return [
    await verifySessionToken(token, joseKeys, options),
    verifySessionTokenSync(token, edgeKeys, options),
  ];
}

describe('unknown kid: refused, never verified with another key', () => {
  it('a token signed by the first trusted key but naming an unknown kid is refused as unknown-key', async () => {
    // With the bug (fall back to the first key), k1 would verify this signature and let it in.
    const token = await tokenSignedByK1('k9');
    for (const outcome of await bothVerifiers(token, NOW)) {
      expect(outcome).toEqual({ ok: false, reason: 'unknown-key' });
    }
  });

  it('a token without any kid is refused as unknown-key', async () => {
    const [h, p, s] = (await tokenSignedByK1('k1')).split('.') as [string, string, string];
    const header = JSON.parse(Buffer.from(h, 'base64url').toString());
    delete header.kid;
    const noKid = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${p}.${s}`;
    for (const outcome of await bothVerifiers(noKid, NOW)) {
      expect(outcome).toEqual({ ok: false, reason: 'unknown-key' });
    }
  });

  it('the edge answers 401 ERR_SESSION_INVALID to an unknown kid', async () => {
    const runtime = createEdgeRuntime(edgeConfig);
    const token = await tokenSignedByK1('k9');
    const decision = decide(request(token), runtime, NOW * 1000);
    expect(decision).toEqual({
      kind: 'deny',
      status: 401,
      code: 'ERR_SESSION_INVALID',
      reason: 'unknown-key',
    });
  });

  it('the same token naming its own kid is accepted (the refusal is about the kid)', async () => {
    for (const outcome of await bothVerifiers(await tokenSignedByK1('k1'), NOW))
      expect(outcome.ok).toBe(true);
  });
});

function request(token: string): EdgeRequest {
  return {
    method: 'GET',
    uri: '/media/course-42/seg1.m4s',
    querystring: '',
    cookie: `edge_session=${token}`,
  };
}

describe('clock skew on exp: a token lives exactly `skew` seconds past exp', () => {
  it('is accepted up to the last second before exp + skew', async () => {
    const token = await tokenSignedByK1('k1');
    for (const at of [EXP - 1, EXP, EXP + SKEW - 1]) {
      for (const outcome of await bothVerifiers(token, at)) expect(outcome.ok).toBe(true);
    }
  });

  it('is refused as expired from exp + skew on (a flipped sign would keep it 2 × skew longer)', async () => {
    const token = await tokenSignedByK1('k1');
    for (const at of [EXP + SKEW, EXP + SKEW + 1, EXP + 2 * SKEW - 1]) {
      for (const outcome of await bothVerifiers(token, at))
        expect(outcome).toEqual({ ok: false, reason: 'expired' });
    }
  });

  it('the edge cache keeps the same window: allowed at exp + skew - 1 ms, expired at exp + skew', async () => {
    const runtime = createEdgeRuntime(edgeConfig);
    const token = await tokenSignedByK1('k1');
    // The first request verifies and caches; the later ones are answered from the cache.
    expect(decide(request(token), runtime, NOW * 1000)).toEqual({ kind: 'allow', sub: 'alice' });
    expect(runtime.cache.size).toBe(1);
    expect(decide(request(token), runtime, (EXP + SKEW) * 1000 - 1)).toEqual({ kind: 'allow', sub: 'alice' });
    expect(decide(request(token), runtime, (EXP + SKEW) * 1000)).toEqual({
      kind: 'deny',
      status: 401,
      code: 'ERR_SESSION_EXPIRED',
      reason: 'expired',
    });
    // Expired entries leave the cache, and the token stays refused by the verifier.
    expect(runtime.cache.size).toBe(0);
    expect(decide(request(token), runtime, (EXP + SKEW + 5) * 1000)).toMatchObject({
      code: 'ERR_SESSION_EXPIRED',
    });
  });

  it('a zero skew ends the token at exp itself', async () => {
    const token = await tokenSignedByK1('k1');
    const options = { ...OPTIONS, clockSkewSeconds: 0 };
    expect(verifySessionTokenSync(token, edgeKeys, { ...options, now: EXP * 1000 - 1 }).ok).toBe(true);
    expect(verifySessionTokenSync(token, edgeKeys, { ...options, now: EXP * 1000 })).toEqual({
      ok: false,
      reason: 'expired',
    });
    expect((await verifySessionToken(token, joseKeys, { ...options, now: EXP * 1000 })).ok).toBe(false);
  });
});

describe('a valid session still stops at its grants', () => {
  it('answers 403 ERR_NOT_GRANTED outside the grants and outside the protected prefix', async () => {
    const runtime = createEdgeRuntime({ ...edgeConfig, protectedPrefix: '/media/' });
    const token = await tokenSignedByK1('k1');
    const at = (uri: string) => decide({ ...request(token), uri }, runtime, NOW * 1000);
    expect(at('/media/course-42/x.ts')).toEqual({ kind: 'allow', sub: 'alice' });
    for (const uri of ['/media/course-7/x.ts', '/media/course-42', '/other/course-42/x.ts']) {
      expect(at(uri)).toEqual({
        kind: 'deny',
        status: 403,
        code: 'ERR_NOT_GRANTED',
        reason: 'outside-grants',
      });
    }
  });

  it('a refused token of a page load redirects with the refusal reason', async () => {
    const runtime = createEdgeRuntime(edgeConfig);
    const token = await tokenSignedByK1('k9');
    expect(decide({ ...request(token), accept: 'text/html' }, runtime, NOW * 1000)).toEqual({
      kind: 'redirect',
      location: '/auth/sign-in?next=%2Fmedia%2Fcourse-42%2Fseg1.m4s',
      code: 'ERR_SESSION_INVALID',
      reason: 'unknown-key',
    });
  });
});
