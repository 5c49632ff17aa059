import { createHmac, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadLoginContext } from '../../src/login/context';
import { handleAuthRequest } from '../../src/login/service';
import { verifyHs256SessionToken } from '../../src/session/verify-hs256';
import { type LoginFixture, loginFixture, parseSetCookie } from './helpers';

// The login function in the `function` edge mode: HS256 sessions signed with the keyring's active
// key, verified by the CloudFront Function's verifier with the key the store holds for the kid.
const HOST = 'd111111abcdef8.cloudfront.net';
const NOW = 1_800_000_000_000;
const OLD = randomBytes(32).toString('base64url');
const NEW = randomBytes(32).toString('base64url');
let fx: LoginFixture;
let env: Record<string, string>;

const signIn = (ctx: Awaited<ReturnType<typeof loadLoginContext>>, at = NOW) =>
  handleAuthRequest(
    {
      method: 'POST',
      path: '/auth/login',
      cookies: [],
      body: JSON.stringify({ username: 'alice', password: 'alice-secret' }),
      headers: { 'content-type': 'application/json', 'x-auth-viewer-host': HOST, origin: `https://${HOST}` },
    },
    ctx,
    at,
  );
const hmac = (secret: string, input: string) =>
  createHmac('sha256', Buffer.from(secret, 'base64url')).update(input).digest('base64url');

beforeAll(async () => {
  fx = await loginFixture('dev');
  const file = join(fx.dir, 'session-hmac.json');
  writeFileSync(file, JSON.stringify({ active: 'h2', keys: { h1: OLD, h2: NEW } }));
  env = { ...fx.env, EDGE_AUTH_EDGE_MODE: 'function', EDGE_AUTH_SESSION_HMAC_KEYS: `file:${file}` };
});

describe('the login function in function mode', () => {
  it('issues an HS256 session with the active kid that the edge verifier accepts', async () => {
    const ctx = await loadLoginContext(env, { dummyHash: fx.dummyHash });
    const res = await signIn(ctx);
    expect(res.statusCode).toBe(200);
    const token = res.cookies.map(parseSetCookie).find((c) => c.name === '__Host-edge_session')!.value;
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString());
    expect(header).toEqual({ alg: 'HS256', kid: 'h2', typ: 'JWT' });
    const store: Record<string, string> = { h1: OLD, h2: NEW };
    const outcome = await verifyHs256SessionToken(token, async (kid) => store[kid], hmac, {
      issuer: 'edge-auth',
      audience: 'edge-auth-media',
      now: NOW,
      clockSkewSeconds: 30,
      protectedPrefix: '/media/',
    });
    expect(outcome.ok && outcome.claims.sub).toBe('alice');
    // Signed with the new key: the old key alone does not verify it.
    const withOld = await verifyHs256SessionToken(
      token,
      async (kid) => (kid === 'h2' ? OLD : undefined),
      hmac,
      {
        issuer: 'edge-auth',
        audience: 'edge-auth-media',
        now: NOW,
        clockSkewSeconds: 30,
        protectedPrefix: '/media/',
      },
    );
    expect(withOld).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('still issues ES256 sessions in lambda mode from the same environment', async () => {
    const ctx = await loadLoginContext(
      { ...env, EDGE_AUTH_EDGE_MODE: 'lambda' },
      { dummyHash: fx.dummyHash },
    );
    const token = (await signIn(ctx)).cookies
      .map(parseSetCookie)
      .find((c) => c.name === '__Host-edge_session')!.value;
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).alg).toBe('ES256');
  });

  it('refuses to start without a readable keyring, naming the variable and not the secret', async () => {
    const missing = loadLoginContext(
      { ...env, EDGE_AUTH_SESSION_HMAC_KEYS: '' },
      { dummyHash: fx.dummyHash },
    );
    await expect(missing).rejects.toThrow(/EDGE_AUTH_SESSION_HMAC_KEYS is not set/);
    const file = join(fx.dir, 'bad-hmac.json');
    writeFileSync(file, JSON.stringify({ active: 'h1', keys: { h1: `${NEW}!` } }));
    const bad = loadLoginContext(
      { ...env, EDGE_AUTH_SESSION_HMAC_KEYS: `file:${file}` },
      { dummyHash: fx.dummyHash },
    );
    await expect(bad).rejects.toThrow(/key "h1" is not 32 bytes of base64url/);
    await expect(bad).rejects.not.toThrow(NEW);
  });

  it('refuses an unknown edge mode', async () => {
    await expect(
      loadLoginContext({ ...env, EDGE_AUTH_EDGE_MODE: 'worker' }, { dummyHash: fx.dummyHash }),
    ).rejects.toThrow(/EDGE_AUTH_EDGE_MODE must be "lambda" or "function"/);
  });
});
