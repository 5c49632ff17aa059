import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { SignJWT } from 'jose';
import {
  importSessionPrivateKey,
  importSessionPublicKey,
  type SessionVerifyKey,
} from '../../src/session/keys';
import { verifySessionToken } from '../../src/session/token';
import {
  type EdgeVerifyKey,
  importEdgeVerifyKey,
  verifySessionTokenSync,
} from '../../src/session/verify-sync';
import { sessionKey } from './fixtures';

const NOW = 1_800_000_000;
const OPTIONS = {
  issuer: 'edge-auth',
  audience: 'edge-auth-media',
  now: NOW * 1000,
  clockSkewSeconds: 30,
  protectedPrefix: '/media/',
};
const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

describe('edge verifier (node:crypto) against the jose verifier', () => {
  const es = sessionKey('es');
  const ed = sessionKey('ed', 'ed25519');
  let joseKeys: Map<string, SessionVerifyKey>;
  let edgeKeys: Map<string, EdgeVerifyKey>;
  let signers: Record<'es' | 'ed', Awaited<ReturnType<typeof importSessionPrivateKey>>['signing']>;

  beforeAll(async () => {
    joseKeys = new Map([
      ['es', await importSessionPublicKey('es', es.publicKeyPem)],
      ['ed', await importSessionPublicKey('ed', ed.publicKeyPem)],
    ]);
    edgeKeys = new Map([
      ['es', importEdgeVerifyKey('es', 'ES256', es.publicKeyPem)],
      ['ed', importEdgeVerifyKey('ed', 'EdDSA', ed.publicKeyPem)],
    ]);
    signers = {
      es: (await importSessionPrivateKey('es', es.privateKeyPem)).signing,
      ed: (await importSessionPrivateKey('ed', ed.privateKeyPem)).signing,
    };
  });

  async function agree(token: string, at = OPTIONS.now) {
    const a = await verifySessionToken(token, joseKeys, { ...OPTIONS, now: at });
    const b = verifySessionTokenSync(token, edgeKeys, { ...OPTIONS, now: at });
    expect(b.ok).toBe(a.ok);
    if (a.ok && b.ok) expect(b.claims).toEqual(a.claims);
    return [a, b] as const;
  }

  const claimValue = fc.oneof(
    fc.constant(undefined),
    fc.integer({ min: NOW - 5000, max: NOW + 5000 }),
    fc.string({ maxLength: 5 }),
    fc.constant(null),
    fc.constant(['/media/a/*']),
  );
  const claimsArb = fc.record({
    sub: fc.oneof(fc.constant('alice'), claimValue),
    sid: fc.oneof(fc.constant('s1'), claimValue),
    iss: fc.oneof(fc.constant('edge-auth'), fc.constant('other'), claimValue),
    aud: fc.oneof(
      fc.constant('edge-auth-media'),
      fc.constant(['x', 'edge-auth-media']),
      fc.constant('other'),
      claimValue,
    ),
    iat: fc.oneof(fc.constant(NOW), claimValue),
    exp: fc.oneof(fc.constant(NOW + 600), fc.integer({ min: NOW - 60, max: NOW + 60 }), claimValue),
    nbf: fc.oneof(fc.constant(undefined), fc.integer({ min: NOW - 60, max: NOW + 60 }), claimValue),
    auth_time: fc.oneof(fc.constant(NOW), claimValue),
    amr: fc.oneof(fc.constant('pwd'), fc.constant('oidc'), claimValue),
    grants: fc.oneof(fc.constant(['/media/a/*']), fc.constant(['/etc/*']), fc.constant([]), claimValue),
  });

  it('agrees on arbitrary claim sets signed by a trusted key', async () => {
    await fc.assert(
      fc.asyncProperty(claimsArb, fc.constantFrom('es' as const, 'ed' as const), async (claims, which) => {
        const payload = Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined));
        const signer = signers[which];
        const token = await new SignJWT(payload)
          .setProtectedHeader({ alg: signer.alg, kid: signer.kid })
          .sign(signer.key);
        await agree(token);
      }),
      { numRuns: 300 },
    );
  });

  it('agrees on mutated tokens: header, payload or signature changed, parts dropped or added', async () => {
    const valid = await new SignJWT({
      sub: 'alice',
      sid: 's1',
      iss: 'edge-auth',
      aud: 'edge-auth-media',
      iat: NOW,
      exp: NOW + 600,
      auth_time: NOW,
      amr: 'pwd',
      grants: ['/media/a/*'],
    })
      .setProtectedHeader({ alg: 'ES256', kid: 'es' })
      .sign(signers.es.key);
    const [h, p, s] = valid.split('.') as [string, string, string];
    const header = fc.oneof(
      fc.constant(h),
      fc
        .record({
          alg: fc.constantFrom('ES256', 'EdDSA', 'none', 'HS256', 'RS256'),
          kid: fc.constantFrom('es', 'ed', 'x'),
        })
        .map(b64),
      fc.constant(b64({ alg: 'ES256', kid: 'es', crit: ['exp'], exp: 1 })),
      fc.string().map(b64),
    );
    const sig = fc.oneof(
      fc.constant(s),
      fc.constant(''),
      fc.base64String().map((x) => x.replace(/[+/=]/g, 'A')),
      fc.constant(`${s}A`),
    );
    const mutate = fc.oneof(fc.constant(p), fc.string().map(b64), fc.constant(b64({ sub: 'alice' })));
    await fc.assert(
      fc.asyncProperty(header, mutate, sig, fc.constantFrom('', '.x', '..'), async (hh, pp, ss, tail) => {
        await agree(`${hh}.${pp}.${ss}${tail}`);
      }),
      { numRuns: 300 },
    );
    await agree(valid);
    const [a] = await agree(valid, (NOW + 600 + 30) * 1000);
    expect(a).toEqual({ ok: false, reason: 'expired' });
  });

  const CLAIMS = {
    sub: 'alice',
    sid: 's1',
    iss: 'edge-auth',
    aud: 'edge-auth-media',
    iat: NOW,
    exp: NOW + 600,
    auth_time: NOW,
    amr: 'pwd',
    grants: ['/media/a/*'],
  };

  it.each(['es', 'ed'] as const)(
    'a %s session token passes the edge verifier with its claims',
    async (which) => {
      const signer = signers[which];
      const token = await new SignJWT(CLAIMS)
        .setProtectedHeader({ alg: signer.alg, kid: which })
        .sign(signer.key);
      expect(verifySessionTokenSync(token, edgeKeys, OPTIONS)).toEqual({ ok: true, claims: CLAIMS });
    },
  );

  it.each(['es', 'ed'] as const)(
    'a %s token with a changed payload is refused as bad-signature by both',
    async (which) => {
      const signer = signers[which];
      const token = await new SignJWT(CLAIMS)
        .setProtectedHeader({ alg: signer.alg, kid: which })
        .sign(signer.key);
      const [h, , s] = token.split('.');
      const forged = `${h}.${b64({ ...CLAIMS, grants: ['/media/*'] })}.${s}`;
      const [jose, edge] = await agree(forged);
      expect(jose).toEqual({ ok: false, reason: 'bad-signature' });
      expect(edge).toEqual({ ok: false, reason: 'bad-signature' });
    },
  );

  it('refuses an algorithm other than ES256 and EdDSA as bad-algorithm before looking at the kid', async () => {
    const p = b64(CLAIMS);
    const sig = b64('x'.repeat(64));
    for (const alg of ['none', 'RS256', 'HS256']) {
      for (const kid of ['es', 'nobody']) {
        const [jose, edge] = await agree(`${b64({ alg, kid })}.${p}.${sig}`);
        expect(edge).toEqual({ ok: false, reason: 'bad-algorithm' });
        // jose also lists HS256 (the function mode's login keys), so it looks the kid up first there.
        if (alg !== 'HS256') expect(jose).toEqual({ ok: false, reason: 'bad-algorithm' });
      }
    }
  });

  it('gives the same reasons for the classic attacks', async () => {
    const good = await new SignJWT({
      sub: 'a',
      sid: 's',
      iss: 'edge-auth',
      aud: 'edge-auth-media',
      iat: NOW,
      exp: NOW + 60,
      auth_time: NOW,
      amr: 'pwd',
      grants: ['/media/a/*'],
    })
      .setProtectedHeader({ alg: 'ES256', kid: 'es' })
      .sign(signers.es.key);
    const [, p] = good.split('.');
    const hsHeader = b64({ alg: 'HS256', kid: 'es' });
    const hs = `${hsHeader}.${p}.${createHmac('sha256', es.publicKeyPem).update(`${hsHeader}.${p}`).digest('base64url')}`;
    expect(verifySessionTokenSync(hs, edgeKeys, OPTIONS)).toEqual({ ok: false, reason: 'bad-algorithm' });
    expect(verifySessionTokenSync(`${b64({ alg: 'none', kid: 'es' })}.${p}.`, edgeKeys, OPTIONS).ok).toBe(
      false,
    );
    const edAsEs = `${b64({ alg: 'EdDSA', kid: 'es' })}.${p}.${good.split('.')[2]}`;
    expect(verifySessionTokenSync(edAsEs, edgeKeys, OPTIONS)).toEqual({ ok: false, reason: 'bad-algorithm' });
  });

  it('names a missing sub or sid bad-claims, as jose does, even in a token issued in the future', async () => {
    const base = {
      sub: 'a',
      sid: 's',
      iss: 'edge-auth',
      aud: 'edge-auth-media',
      iat: NOW + 31, // past the 30 s skew: not-yet-valid, were sub and sid present
      exp: NOW + 60,
      auth_time: NOW,
      amr: 'pwd',
      grants: ['/media/a/*'],
    };
    const sign = (claims: Record<string, unknown>) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'es' }).sign(signers.es.key);
    expect(verifySessionTokenSync(await sign(base), edgeKeys, OPTIONS)).toEqual({
      ok: false,
      reason: 'not-yet-valid',
    });
    for (const missing of ['sub', 'sid']) {
      const token = await sign(Object.fromEntries(Object.entries(base).filter(([k]) => k !== missing)));
      const [jose, edge] = await agree(token);
      expect([missing, jose, edge]).toEqual([
        missing,
        { ok: false, reason: 'bad-claims' },
        { ok: false, reason: 'bad-claims' },
      ]);
    }
  });
});
