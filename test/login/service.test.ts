import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { createLocalJWKSet, decodeJwt, exportJWK, SignJWT } from 'jose';
import { trustedKeysFromPem, verifyRequest } from '../../src/cloudfront/verifier';
import { resolveSettings, type Settings } from '../../src/config/settings';
import { createEdgeRuntime, decide } from '../../src/edge/decide';
import { readKvsFile } from '../../src/local/kvs-file';
import { loadLoginContext } from '../../src/login/context';
import type { AuthRequest } from '../../src/login/http';
import { createOidcVerifier } from '../../src/login/oidc';
import { handleAuthRequest, type LoginContext } from '../../src/login/service';
import { fileRevocationStore } from '../../src/session/revocation';
import { authRequest, browserCookies, type LoginFixture, loginFixture, parseSetCookie } from './helpers';

const HOST = 'd111111abcdef8.cloudfront.net';
const ORIGIN = `https://${HOST}`;
const NOW = 1_800_000_000_000;
const SESSION = '__Host-edge_session';

let fx: LoginFixture;
let ctx: LoginContext;

const req = (over: Partial<AuthRequest> & { json?: unknown } = {}) => authRequest(HOST, over);

const alice = { username: 'alice', password: 'alice-secret' };
const body = (r: { body: string }) => JSON.parse(r.body);
const sessionOf = (cookies: string[]) => cookies.map(parseSetCookie).find((c) => c.name === SESSION)!.value;

const withSession = (cookies: string[], over: Partial<AuthRequest> = {}) =>
  req({
    path: '/auth/refresh',
    cookies: [`${SESSION}=${sessionOf(cookies)}`],
    headers: { origin: ORIGIN },
    ...over,
  });

async function signIn(context = ctx, at = NOW) {
  const res = await handleAuthRequest(req({ json: alice }), context, at);
  expect(res.statusCode).toBe(200);
  return res;
}

beforeAll(async () => {
  fx = await loginFixture('dev');
  ctx = await loadLoginContext(fx.env, { dummyHash: fx.dummyHash });
});

describe('the origin secret (requests around CloudFront)', () => {
  // 32 random bytes in base64url, as `edge-auth keys init` makes them; read through `file:` as in
  // AWS through `ssm:`.
  const SECRET = randomBytes(32).toString('base64url');
  const OLD = randomBytes(32).toString('base64url');
  const secretFile = (value: string) => {
    const file = join(mkdtempSync(join(tmpdir(), 'edge-auth-origin-')), 'secret');
    writeFileSync(file, `${value}\n`);
    return `file:${file}`;
  };

  it('refuses a request without the secret header CloudFront adds, before reading any credentials', async () => {
    const guarded = await loadLoginContext(
      { ...fx.env, EDGE_AUTH_ORIGIN_SECRET: secretFile(SECRET) },
      { dummyHash: fx.dummyHash },
    );
    for (const given of [undefined, '', 'guess', `${SECRET}x`, SECRET.slice(0, -1), OLD]) {
      const headers = given === undefined ? {} : { 'x-auth-origin-secret': given };
      const res = await handleAuthRequest(req({ json: alice, headers }), guarded, NOW);
      expect([given, res.statusCode, body(res).error.code, res.cookies]).toEqual([
        given,
        403,
        'ERR_DIRECT_ACCESS',
        [],
      ]);
      expect(res.body).not.toContain(SECRET);
    }
    const through = await handleAuthRequest(
      req({ json: alice, headers: { 'x-auth-origin-secret': SECRET } }),
      guarded,
      NOW,
    );
    expect(through.statusCode).toBe(200);
    // The old header name (X-Edge- prefix, which CloudFront refuses to add) carries nothing.
    const oldName = await handleAuthRequest(
      req({ json: alice, headers: { 'x-edge-auth-origin-secret': SECRET } }),
      guarded,
      NOW,
    );
    expect(oldName.statusCode).toBe(403);
  });

  it('accepts the current and the previous secret during a rotation, and nothing else', async () => {
    const rotating = await loadLoginContext(
      {
        ...fx.env,
        EDGE_AUTH_ORIGIN_SECRET: secretFile(SECRET),
        EDGE_AUTH_ORIGIN_SECRET_PREVIOUS: secretFile(OLD),
      },
      { dummyHash: fx.dummyHash },
    );
    const status = async (given: string) =>
      (
        await handleAuthRequest(
          req({ json: alice, headers: { 'x-auth-origin-secret': given } }),
          rotating,
          NOW,
        )
      ).statusCode;
    expect([await status(SECRET), await status(OLD), await status(`${OLD}x`)]).toEqual([200, 200, 403]);
  });

  it('refuses a secret under 128 bits, a literal value, and a previous one without a current one', async () => {
    await expect(
      loadLoginContext(
        { ...fx.env, EDGE_AUTH_ORIGIN_SECRET: secretFile('shortbutnotshort12345') },
        { dummyHash: fx.dummyHash },
      ),
    ).rejects.toThrow(/EDGE_AUTH_ORIGIN_SECRET must be at least 22 base64url characters \(128 bits\)/);
    // A literal value in the environment would be readable by anyone who can read the function's configuration.
    await expect(
      loadLoginContext({ ...fx.env, EDGE_AUTH_ORIGIN_SECRET: SECRET }, { dummyHash: fx.dummyHash }),
    ).rejects.toThrow(/EDGE_AUTH_ORIGIN_SECRET must start with ssm: or file:/);
    await expect(
      loadLoginContext(
        { ...fx.env, EDGE_AUTH_ORIGIN_SECRET_PREVIOUS: secretFile(OLD) },
        { dummyHash: fx.dummyHash },
      ),
    ).rejects.toThrow(/EDGE_AUTH_ORIGIN_SECRET_PREVIOUS needs EDGE_AUTH_ORIGIN_SECRET/);
  });
});

describe('POST /auth/login', () => {
  it('signs in: 200, session cookie and one CloudFront cookie set per grant, accepted by CloudFront and the edge', async () => {
    const res = await signIn();
    expect(body(res)).toEqual({
      user: 'alice',
      grants: ['/media/course-42/*', '/media/free/*'],
      // The token (and the CloudFront policies) last session.tokenTtlSeconds; the cookie the idle window.
      expiresAt: new Date(NOW + 300_000).toISOString(),
      sessionEndsAt: new Date(NOW + 43200_000).toISOString(),
    });
    const parsed = res.cookies.map(parseSetCookie);
    const session = parsed.find((c) => c.name === SESSION)!;
    expect(session.attrs).toEqual({
      path: '/',
      'max-age': '3600',
      secure: true,
      httponly: true,
      samesite: 'Lax',
    });
    const paths = parsed.filter((c) => c.name === 'CloudFront-Policy').map((c) => c.attrs.path);
    expect(paths).toEqual(['/media/course-42/', '/media/free/']);
    expect(parsed.filter((c) => c.name.startsWith('CloudFront-'))).toHaveLength(8);

    const trustedKeys = trustedKeysFromPem({ K2JCJMDEHXQW5F: fx.cloudFrontPublicKeyPem });
    const check = (path: string) =>
      verifyRequest({
        url: `https://${HOST}${path}`,
        clientIp: '203.0.113.9',
        cookies: browserCookies(res.cookies, path),
        trustedKeys,
        now: NOW / 1000 + 60,
      });
    expect(check('/media/course-42/seg001.m4s').allow).toBe(true);
    expect(check('/media/free/a/index.m3u8').allow).toBe(true);
    expect(check('/media/course-7/seg001.m4s').allow).toBe(false);

    const runtime = await createEdgeRuntime({
      version: 1,
      stage: 'dev',
      issuer: 'edge-auth',
      audience: 'edge-auth-media',
      cookieName: SESSION,
      protectedPrefix: '/media/',
      signInPath: '/',
      allowedOrigins: [],
      clockSkewSeconds: 30,
      sessionCacheSize: 10,
      keys: [{ kid: 's1', alg: 'ES256', spki: fx.sessionPublicKeyPem }],
    });
    const cookie = `${SESSION}=${sessionOf(res.cookies)}`;
    expect(
      await decide({ method: 'GET', uri: '/media/course-42/a.ts', querystring: '', cookie }, runtime, NOW),
    ).toEqual({
      kind: 'allow',
      sub: 'alice',
    });
  });

  it('answers the same 401 for an unknown user and a wrong password', async () => {
    const unknown = await handleAuthRequest(req({ json: { username: 'mallory', password: 'x' } }), ctx, NOW);
    const wrong = await handleAuthRequest(req({ json: { ...alice, password: 'nope' } }), ctx, NOW);
    for (const res of [unknown, wrong]) {
      expect(res.statusCode).toBe(401);
      expect(res.cookies).toEqual([]);
      expect(body(res)).toEqual({
        error: { code: 'ERR_LOGIN_FAILED', message: 'Invalid username or password.' },
      });
    }
  });

  it.each([
    ['not JSON', 'application/json', '{"username":', 400, 'ERR_BAD_REQUEST'],
    ['a JSON array', 'application/json', '[]', 400, 'ERR_BAD_REQUEST'],
    ['no password', 'application/json', '{"username":"alice"}', 400, 'ERR_BAD_REQUEST'],
    ['a number as password', 'application/json', '{"username":"alice","password":1}', 400, 'ERR_BAD_REQUEST'],
    ['text/plain', 'text/plain', 'alice:secret', 415, 'ERR_UNSUPPORTED_MEDIA_TYPE'],
    ['no content type', '', '{}', 415, 'ERR_UNSUPPORTED_MEDIA_TYPE'],
    ['a huge body', 'application/json', `{"username":"${'a'.repeat(9000)}"}`, 413, 'ERR_BODY_TOO_LARGE'],
  ])('refuses %s', async (_why, type, text, status, code) => {
    const res = await handleAuthRequest(
      req({ headers: { 'content-type': type, origin: ORIGIN }, body: text }),
      ctx,
      NOW,
    );
    expect([res.statusCode, body(res).error.code]).toEqual([status, code]);
  });

  it('answers 405 with Allow for a wrong method and 404 for unknown paths', async () => {
    const get = await handleAuthRequest(req({ method: 'GET' }), ctx, NOW);
    expect([get.statusCode, body(get).error.code, get.headers.allow]).toEqual([
      405,
      'ERR_METHOD_NOT_ALLOWED',
      'POST, OPTIONS',
    ]);
    const missing = await handleAuthRequest(req({ path: '/auth/nope' }), ctx, NOW);
    expect([missing.statusCode, body(missing).error.code]).toEqual([404, 'ERR_NOT_FOUND']);
  });

  it('redirects a form post to a validated same-site next', async () => {
    const form = (next: string) =>
      req({
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN },
        body: new URLSearchParams({ ...alice, next }).toString(),
      });
    const ok = await handleAuthRequest(form('/player.html?v=demo'), ctx, NOW);
    expect([ok.statusCode, ok.headers.location]).toEqual([303, '/player.html?v=demo']);
    expect(ok.cookies.length).toBeGreaterThan(0);
    for (const hostile of [
      '//evil.example/x',
      'https://evil.example/',
      '/\\evil.example',
      'javascript:alert(1)',
      '/a\nb',
    ]) {
      const res = await handleAuthRequest(form(hostile), ctx, NOW);
      expect([hostile, res.headers.location]).toEqual([hostile, '/player.html']);
    }
  });

  it('sends a failed form post back to the sign-in page with the reason and a validated next', async () => {
    const form = (password: string, next: string) =>
      req({
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN },
        body: new URLSearchParams({ username: 'alice', password, next }).toString(),
      });
    const wrong = await handleAuthRequest(form('nope', '/player.html?v=demo'), ctx, NOW);
    expect(wrong.statusCode).toBe(303);
    expect(wrong.cookies).toEqual([]);
    const location = new URL(wrong.headers.location!, 'http://x');
    expect([
      location.pathname,
      location.searchParams.get('reason'),
      location.searchParams.get('next'),
    ]).toEqual(['/', 'failed', '/player.html?v=demo']);
    const hostile = await handleAuthRequest(form('nope', '//evil.example/'), ctx, NOW);
    expect(new URL(hostile.headers.location!, 'http://x').searchParams.get('next')).toBe('/player.html');
  });

  it('refuses a foreign Origin (login CSRF) and a missing or bad viewer host', async () => {
    const foreign = await handleAuthRequest(
      req({ json: alice, headers: { origin: 'https://evil.example' } }),
      ctx,
      NOW,
    );
    expect([foreign.statusCode, body(foreign).error.code]).toEqual([403, 'ERR_ORIGIN']);
    for (const host of [undefined, 'evil.example/x', 'a b', '']) {
      const res = await handleAuthRequest(
        {
          ...req({ json: alice }),
          headers: { 'content-type': 'application/json', 'x-auth-viewer-host': host },
        },
        ctx,
        NOW,
      );
      expect([res.statusCode, body(res).error.code]).toEqual([400, 'ERR_BAD_HOST']);
    }
  });

  it('uses the configured public host over the header', async () => {
    const res = await handleAuthRequest(
      req({
        json: alice,
        headers: { origin: 'https://media.example.com', 'x-auth-viewer-host': 'other.example' },
      }),
      { ...ctx, publicHost: 'media.example.com' },
      NOW,
    );
    expect(res.statusCode).toBe(200);
    const policy = res.cookies.map(parseSetCookie).find((c) => c.name === 'CloudFront-Policy')!.value;
    const json = Buffer.from(
      policy.replace(/-/g, '+').replace(/_/g, '=').replace(/~/g, '/'),
      'base64',
    ).toString();
    expect(JSON.parse(json).Statement[0].Resource).toBe('https://media.example.com/media/course-42/*');
  });

  it('never answers 5xx, whatever the body, content type or method', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('POST', 'GET', 'PUT', 'OPTIONS', 'post'),
        fc.constantFrom(
          'application/json',
          'application/x-www-form-urlencoded',
          'text/plain',
          'application/json; charset=utf-8',
          '',
        ),
        fc.oneof(fc.string(), fc.json(), fc.constant('username=alice&password=%E0%A4%A')),
        async (method, type, text) => {
          const res = await handleAuthRequest(
            req({ method, headers: { 'content-type': type, origin: ORIGIN }, body: text }),
            ctx,
            NOW,
          );
          expect(res.statusCode).toBeLessThan(500);
          expect(() => JSON.parse(res.body || '{}')).not.toThrow();
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('refresh, session and logout', () => {
  it('GET /auth/session tells who is signed in, or 401', async () => {
    const login = await signIn();
    const ok = await handleAuthRequest(
      withSession(login.cookies, { method: 'GET', path: '/auth/session' }),
      ctx,
      NOW,
    );
    expect([ok.statusCode, body(ok).user, body(ok).grants]).toEqual([
      200,
      'alice',
      ['/media/course-42/*', '/media/free/*'],
    ]);
    const none = await handleAuthRequest(req({ method: 'GET', path: '/auth/session' }), ctx, NOW);
    expect([none.statusCode, body(none).error.code]).toEqual([401, 'ERR_NO_SESSION']);
    const bad = await handleAuthRequest(
      { ...req({ method: 'GET', path: '/auth/session' }), cookies: [`${SESSION}=x.y.z`] },
      ctx,
      NOW,
    );
    expect([bad.statusCode, body(bad).error.code]).toEqual([401, 'ERR_SESSION_INVALID']);
    const later = await handleAuthRequest(
      withSession(login.cookies, { method: 'GET', path: '/auth/session' }),
      ctx,
      NOW + 3700_000,
    );
    expect([later.statusCode, body(later).error.code]).toEqual([401, 'ERR_SESSION_EXPIRED']);
  });

  it('refresh issues fresh cookies for a valid session from an allowed Origin', async () => {
    const login = await signIn();
    const res = await handleAuthRequest(withSession(login.cookies), ctx, NOW + 1800_000);
    expect(res.statusCode).toBe(200);
    // The token expired at +300 s; refresh still renews it inside the idle window (ttlSeconds).
    expect(body(res).expiresAt).toBe(new Date(NOW + 1800_000 + 300_000).toISOString());
    expect(sessionOf(res.cookies)).not.toBe(sessionOf(login.cookies));
    for (const origin of [undefined, 'https://evil.example']) {
      const denied = await handleAuthRequest(
        { ...withSession(login.cookies), headers: { 'x-auth-viewer-host': HOST, origin } },
        ctx,
        NOW,
      );
      expect([denied.statusCode, body(denied).error.code]).toEqual([403, 'ERR_ORIGIN']);
    }
  });

  it('refresh refuses a token idle for longer than session.ttlSeconds, and clears the cookies', async () => {
    const login = await signIn();
    const res = await handleAuthRequest(withSession(login.cookies), ctx, NOW + 3600_000 + 31_000);
    expect([res.statusCode, body(res).error.code]).toEqual([401, 'ERR_SESSION_EXPIRED']);
    expect(res.cookies.map(parseSetCookie).find((c) => c.name === SESSION)?.attrs['max-age']).toBe('0');
  });

  it('refresh stops at the absolute session lifetime', async () => {
    const settings: Settings = resolveSettings('dev');
    const short = {
      ...ctx,
      settings: { ...settings, session: { ...settings.session, absoluteLifetimeSeconds: 3600 } },
    };
    const login = await signIn(short);
    const res = await handleAuthRequest(withSession(login.cookies), short, NOW + 3610_000);
    expect([res.statusCode, body(res).error.code]).toEqual([401, 'ERR_SESSION_ENDED']);
  });

  it('refresh applies the current users file: removed users are refused, changed grants re-planned', async () => {
    const login = await signIn();
    const users = new Map(ctx.users!);
    users.set('alice', { ...users.get('alice')!, grants: ['/media/free/*'] });
    const res = await handleAuthRequest(withSession(login.cookies), { ...ctx, users }, NOW);
    expect(body(res).grants).toEqual(['/media/free/*']);
    const expired = res.cookies.map(parseSetCookie).filter((c) => c.attrs['max-age'] === '0');
    expect(new Set(expired.map((c) => c.attrs.path))).toEqual(new Set(['/media/course-42/', '/media/']));
    users.delete('alice');
    const gone = await handleAuthRequest(withSession(login.cookies), { ...ctx, users }, NOW);
    expect([gone.statusCode, body(gone).error.code]).toEqual([401, 'ERR_SESSION_INVALID']);
  });

  it('logout expires every cookie on every path it was set', async () => {
    const login = await signIn();
    const res = await handleAuthRequest(withSession(login.cookies, { path: '/auth/logout' }), ctx, NOW);
    expect([res.statusCode, body(res)]).toEqual([200, { signedOut: true }]);
    const cleared = res.cookies.map(parseSetCookie);
    expect(cleared.every((c) => c.attrs['max-age'] === '0' && c.value === '')).toBe(true);
    const set = login.cookies.map(parseSetCookie);
    for (const c of set) {
      expect(cleared.some((x) => x.name === c.name && x.attrs.path === c.attrs.path)).toBe(true);
    }
    const noOrigin = await handleAuthRequest(
      {
        ...withSession(login.cookies, { path: '/auth/logout' }),
        headers: { 'x-auth-viewer-host': HOST },
      },
      ctx,
      NOW,
    );
    expect(noOrigin.statusCode).toBe(403);
  });
});

describe('revocation (sign-out on the server, sessions revoke)', () => {
  let dir: string;
  let rctx: LoginContext;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'revoke-'));
    rctx = { ...ctx, revocations: fileRevocationStore(join(dir, 'kvs.json')) };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('logout revokes the session until its absolute end plus the clock skew the edge still accepts a token for', async () => {
    const login = await signIn(rctx);
    const other = await signIn(rctx, NOW + 1000);
    const out = await handleAuthRequest(
      withSession(login.cookies, { path: '/auth/logout' }),
      rctx,
      NOW + 5000,
    );
    expect(out.statusCode).toBe(200);
    const sid = decodeJwt(sessionOf(login.cookies)).sid as string;
    // 12 h absolute lifetime + 30 s skew: pruned at the session's end, the entry would let the
    // last token (exp at most the end) back in for those 30 s.
    expect(readKvsFile(join(dir, 'kvs.json'))).toEqual({ [`rs:${sid}`]: String(NOW / 1000 + 43200 + 30) });
    const copy = await handleAuthRequest(withSession(login.cookies), rctx, NOW + 10_000);
    expect([copy.statusCode, body(copy).error]).toEqual([
      401,
      { code: 'ERR_SESSION_REVOKED', message: 'This session was signed out. Sign in again.' },
    ]);
    const session = await handleAuthRequest(
      withSession(login.cookies, { method: 'GET', path: '/auth/session' }),
      rctx,
      NOW + 10_000,
    );
    expect(body(session).error.code).toBe('ERR_SESSION_REVOKED');
    // Another session of the same user is untouched.
    const still = await handleAuthRequest(withSession(other.cookies), rctx, NOW + 10_000);
    expect(still.statusCode).toBe(200);
  });

  it('a user revocation refuses every session signed in before it, not the ones after', async () => {
    const before = await signIn(rctx);
    await rctx.revocations!.revokeUser('alice', NOW / 1000 + 10, NOW / 1000 + 10 + 43200);
    const after = await signIn(rctx, NOW + 20_000);
    const refused = await handleAuthRequest(withSession(before.cookies), rctx, NOW + 30_000);
    expect(body(refused).error.code).toBe('ERR_SESSION_REVOKED');
    const ok = await handleAuthRequest(withSession(after.cookies), rctx, NOW + 30_000);
    expect(ok.statusCode).toBe(200);
  });

  it('a forged token revokes nothing; a failing store keeps the cookies and says so (503)', async () => {
    const forged = await handleAuthRequest(
      req({
        path: '/auth/logout',
        cookies: [`${SESSION}=eyJhbGciOiJub25lIn0.eyJzaWQiOiJ2aWN0aW0ifQ.x`],
        headers: { origin: ORIGIN },
      }),
      rctx,
      NOW,
    );
    expect(forged.statusCode).toBe(200);
    expect(readKvsFile(join(dir, 'kvs.json'))).toEqual({});
    const login = await signIn(rctx);
    const broken: LoginContext = {
      ...rctx,
      revocations: { ...rctx.revocations!, revokeSession: () => Promise.reject(new Error('down')) },
    };
    const res = await handleAuthRequest(withSession(login.cookies, { path: '/auth/logout' }), broken, NOW);
    expect([res.statusCode, body(res).error.code, res.cookies]).toEqual([503, 'ERR_LOGOUT_UNAVAILABLE', []]);
  });
});

describe('OIDC sign-in', () => {
  const idp = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const oidc = {
    issuer: 'https://idp.example.com',
    audience: 'client-1',
    jwksUrl: 'https://idp.example.com/.well-known/jwks.json',
    grantsClaim: 'groups',
    grantMap: { premium: ['/media/premium/*'], free: ['/media/free/*'] },
  };
  let octx: LoginContext;

  const idToken = (claims: Record<string, unknown>, key = idp.privateKey) =>
    new SignJWT({
      iss: oidc.issuer,
      aud: oidc.audience,
      sub: 'user-123',
      iat: NOW / 1000,
      exp: NOW / 1000 + 300,
      groups: ['premium', 'unknown'],
      ...claims,
    })
      .setProtectedHeader({ alg: 'RS256', kid: 'idp-1' })
      .sign(key);
  const bearer = async (token: string) =>
    handleAuthRequest(req({ headers: { authorization: `Bearer ${token}`, origin: ORIGIN } }), octx, NOW);

  beforeAll(async () => {
    const jwk = { ...(await exportJWK(idp.publicKey)), kid: 'idp-1', alg: 'RS256' };
    octx = { ...ctx, oidc: createOidcVerifier(oidc, '/media/', createLocalJWKSet({ keys: [jwk] })) };
  });

  it('maps the groups claim to grants', async () => {
    const res = await bearer(await idToken({}));
    expect([res.statusCode, body(res).user, body(res).grants]).toEqual([
      200,
      'user-123',
      ['/media/premium/*'],
    ]);
  });

  it('refuses a wrong audience, an expired token, another key, and no mapped groups', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    for (const token of [
      await idToken({ aud: 'client-2' }),
      await idToken({ exp: NOW / 1000 - 60 }),
      await idToken({}, other),
    ]) {
      const res = await bearer(token);
      expect([res.statusCode, body(res).error.code]).toEqual([401, 'ERR_TOKEN_INVALID']);
    }
    const none = await bearer(await idToken({ groups: 'nobody' }));
    expect([none.statusCode, body(none).error.code]).toEqual([403, 'ERR_NO_GRANTS']);
  });

  it('answers 400 when OIDC is not configured', async () => {
    const res = await handleAuthRequest(
      req({ headers: { authorization: 'Bearer abc', origin: ORIGIN } }),
      ctx,
      NOW,
    );
    expect([res.statusCode, body(res).error.code]).toEqual([400, 'ERR_OIDC_DISABLED']);
  });
});

describe('the viewer address of an IP-bound stage', () => {
  const SECRET = 'b3f1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
  // The login function reads its origin secret through a reference (ssm: in AWS, file: here).
  const SECRET_REF = (() => {
    const file = join(mkdtempSync(join(tmpdir(), 'edge-auth-origin-')), 'secret');
    writeFileSync(file, SECRET);
    return `file:${file}`;
  })();
  // What the function URL reports behind CloudFront: CloudFront's own address, not the viewer's.
  const CLOUDFRONT_PEER = '130.176.0.1';

  const bound = async (env: Record<string, string>) => {
    const c = await loadLoginContext(env, { dummyHash: fx.dummyHash });
    return { ...c, settings: { ...c.settings, cloudFront: { ...c.settings.cloudFront, bindIp: true } } };
  };
  const boundIp = (cookies: string[]) => {
    const policy = cookies.map(parseSetCookie).find((c) => c.name === 'CloudFront-Policy')!.value;
    const json = Buffer.from(
      policy.replace(/-/g, '+').replace(/_/g, '=').replace(/~/g, '/'),
      'base64',
    ).toString();
    return JSON.parse(json).Statement[0].Condition.IpAddress?.['AWS:SourceIp'];
  };

  it('binds the cookies to x-auth-viewer-ip when the origin secret proves the request came through CloudFront', async () => {
    const guarded = await bound({ ...fx.env, EDGE_AUTH_ORIGIN_SECRET: SECRET_REF });
    const res = await handleAuthRequest(
      req({
        json: alice,
        sourceIp: CLOUDFRONT_PEER,
        headers: { 'x-auth-origin-secret': SECRET, 'x-auth-viewer-ip': '203.0.113.9' },
      }),
      guarded,
      NOW,
    );
    expect(res.statusCode).toBe(200);
    expect(boundIp(res.cookies)).toBe('203.0.113.9/32');
  });

  it('ignores x-auth-viewer-ip and CloudFront-Viewer-Address when nothing proves CloudFront wrote them', async () => {
    const open = await bound({ ...fx.env });
    const res = await handleAuthRequest(
      req({
        json: alice,
        sourceIp: '198.51.100.4',
        headers: { 'x-auth-viewer-ip': '203.0.113.9', 'cloudfront-viewer-address': '203.0.113.10:443' },
      }),
      open,
      NOW,
    );
    expect(res.statusCode).toBe(200);
    expect(boundIp(res.cookies)).toBe('198.51.100.4/32');
  });

  it('falls back to sourceIp when the header is not an IP address', async () => {
    const guarded = await bound({ ...fx.env, EDGE_AUTH_ORIGIN_SECRET: SECRET_REF });
    const res = await handleAuthRequest(
      req({
        json: alice,
        sourceIp: '198.51.100.4',
        headers: { 'x-auth-origin-secret': SECRET, 'x-auth-viewer-ip': 'not-an-ip' },
      }),
      guarded,
      NOW,
    );
    expect(boundIp(res.cookies)).toBe('198.51.100.4/32');
  });
});
