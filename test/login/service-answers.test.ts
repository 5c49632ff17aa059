import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, decodeJwt, exportJWK, SignJWT } from 'jose';
import { readKvsFile } from '../../src/local/kvs-file';
import { loadLoginContext } from '../../src/login/context';
import type { AuthRequest, AuthResponse } from '../../src/login/http';
import { createOidcVerifier } from '../../src/login/oidc';
import { handleAuthRequest, isAcceptedSecret, type LoginContext } from '../../src/login/service';
import { fileRevocationStore } from '../../src/session/revocation';
import { authRequest, type LoginFixture, loginFixture, parseSetCookie } from './helpers';

/**
 * The precise answers of the login service a browser, a player or an operator reads: status,
 * error code and message, the headers of each answer, which cookies are set or expired on which
 * path with which Max-Age, and where a form post is sent next.
 */
const HOST = 'd111111abcdef8.cloudfront.net';
const PLAYER = 'https://player.example.com';
const NOW = 1_800_000_000_000;
const SESSION = '__Host-edge_session';
const FORM = 'application/x-www-form-urlencoded';
/** The CloudFront cookies of a custom policy signed with SHA-256 (what sign-in sets). */
const CF_NAMES = [
  'CloudFront-Policy',
  'CloudFront-Signature',
  'CloudFront-Key-Pair-Id',
  'CloudFront-Hash-Algorithm',
];
/** Every CloudFront cookie name, canned-policy ones included (what sign-out expires). */
const CF_ALL = [...CF_NAMES, 'CloudFront-Expires'];

let fx: LoginFixture;
let ctx: LoginContext;

beforeAll(async () => {
  fx = await loginFixture('dev');
  ctx = await loadLoginContext(fx.env, { dummyHash: fx.dummyHash });
});

const req = (over: Partial<AuthRequest> & { json?: unknown } = {}) => authRequest(HOST, over);

const alice = { username: 'alice', password: 'alice-secret' };
const body = (r: AuthResponse) => JSON.parse(r.body);
const errorOf = (r: AuthResponse) => [r.statusCode, body(r).error?.code, body(r).error?.message];
const cookie = (r: AuthResponse, name: string) => r.cookies.map(parseSetCookie).find((c) => c.name === name);
const sessionPair = (r: AuthResponse) => `${SESSION}=${cookie(r, SESSION)!.value}`;
/** Name and Path of every cookie an answer sets to expire, sorted. */
const expired = (r: AuthResponse) =>
  r.cookies
    .map(parseSetCookie)
    .filter((c) => c.attrs['max-age'] === '0')
    .map((c) => `${c.name} ${c.attrs.path}`)
    .sort();

async function signIn(context: LoginContext = ctx, at = NOW): Promise<AuthResponse> {
  const res = await handleAuthRequest(req({ json: alice }), context, at);
  expect(res.statusCode).toBe(200);
  return res;
}

const refreshWith = (
  login: AuthResponse,
  context: LoginContext,
  at: number,
  over: Partial<AuthRequest> = {},
) => handleAuthRequest(req({ path: '/auth/refresh', cookies: [sessionPair(login)], ...over }), context, at);

const withGrants = (grants: string[], base: LoginContext = ctx): LoginContext => {
  const users = new Map(base.users!);
  users.set('alice', { ...users.get('alice')!, grants });
  return { ...base, users };
};

const withLifetime = (absoluteLifetimeSeconds: number): LoginContext => ({
  ...ctx,
  settings: { ...ctx.settings, session: { ...ctx.settings.session, absoluteLifetimeSeconds } },
});

function captureErrors(): { lines: string[]; restore: () => void } {
  const lines: string[] = [];
  const spy = jest.spyOn(console, 'error').mockImplementation((line: unknown) => {
    lines.push(String(line));
  });
  return { lines, restore: () => spy.mockRestore() };
}

describe('every JSON answer is marked as JSON and never cached', () => {
  it('a sign-in, a refusal and a session read carry content-type application/json and cache-control no-store', async () => {
    const ok = await signIn();
    const refused = await handleAuthRequest(req({ json: { ...alice, password: 'nope' } }), ctx, NOW);
    const none = await handleAuthRequest(req({ method: 'GET', path: '/auth/session' }), ctx, NOW);
    for (const res of [ok, refused, none]) {
      expect(res.headers).toMatchObject({ 'content-type': 'application/json', 'cache-control': 'no-store' });
    }
  });
});

describe('refusals name their reason', () => {
  it('no session, an invalid one and an expired one each say so', async () => {
    const session = (cookies: string[], at = NOW) =>
      handleAuthRequest(req({ method: 'GET', path: '/auth/session', cookies }), ctx, at);
    expect(errorOf(await session([]))).toEqual([401, 'ERR_NO_SESSION', 'Not signed in.']);
    expect(errorOf(await session([`${SESSION}=x.y.z`]))).toEqual([
      401,
      'ERR_SESSION_INVALID',
      'The session is not valid. Sign in again.',
    ]);
    const login = await signIn();
    expect(errorOf(await session([sessionPair(login)], NOW + 3700_000))).toEqual([
      401,
      'ERR_SESSION_EXPIRED',
      'The session has expired. Sign in again.',
    ]);
  });

  it('routing: unknown endpoints are 404, a wrong method is 405 naming the method, Allow listing it', async () => {
    for (const path of ['/auth/nope', '/nope/login', '/xauth/login', '/login']) {
      const res = await handleAuthRequest(req({ path, json: alice }), ctx, NOW);
      expect([path, ...errorOf(res)]).toEqual([path, 404, 'ERR_NOT_FOUND', 'No such endpoint.']);
    }
    const getLogin = await handleAuthRequest(req({ method: 'GET' }), ctx, NOW);
    expect(errorOf(getLogin)).toEqual([405, 'ERR_METHOD_NOT_ALLOWED', 'Use POST for this endpoint.']);
    const postSession = await handleAuthRequest(req({ path: '/auth/session' }), ctx, NOW);
    expect([...errorOf(postSession), postSession.headers.allow]).toEqual([
      405,
      'ERR_METHOD_NOT_ALLOWED',
      'Use GET for this endpoint.',
      'GET, OPTIONS',
    ]);
  });

  it('a request around CloudFront, a bad viewer host and a foreign origin are refused in words', async () => {
    const guarded = { ...ctx, originSecrets: ['Vq0pOqkVOXkC1q0mM8zGZcLgS2n2wKz1ZB4xJ0oX1uE'] };
    expect(errorOf(await handleAuthRequest(req({ json: alice }), guarded, NOW))).toEqual([
      403,
      'ERR_DIRECT_ACCESS',
      'Sign in through the site, not the function URL.',
    ]);
    const noHost = await handleAuthRequest(
      req({ json: alice, headers: { 'x-auth-viewer-host': 'a b' } }),
      ctx,
      NOW,
    );
    expect(errorOf(noHost)).toEqual([400, 'ERR_BAD_HOST', 'The viewer host is missing or not a host name.']);
    const foreignLogin = await handleAuthRequest(
      req({ json: alice, headers: { origin: 'https://evil.example' } }),
      ctx,
      NOW,
    );
    expect(errorOf(foreignLogin)).toEqual([403, 'ERR_ORIGIN', 'This origin is not allowed.']);
    const login = await signIn();
    for (const origin of [undefined, '', 'https://evil.example']) {
      const refresh = await refreshWith(login, ctx, NOW, { headers: { origin } });
      expect([origin, ...errorOf(refresh)]).toEqual([
        origin,
        403,
        'ERR_ORIGIN',
        'This origin is not allowed.',
      ]);
    }
  });

  it('a missing origin-secret header never matches, not even a configured empty value', () => {
    expect(isAcceptedSecret(undefined, [''])).toBe(false);
    expect(isAcceptedSecret('', [''])).toBe(true);
    expect(isAcceptedSecret(undefined, [])).toBe(false);
  });
});

describe('CORS preflight', () => {
  it('an allow-listed origin gets a 204 with no body, no cookie, the method, the headers and no caching', async () => {
    const cors = { ...ctx, settings: { ...ctx.settings, allowedOrigins: [PLAYER] } };
    const res = await handleAuthRequest(
      req({ method: 'OPTIONS', path: '/auth/refresh', headers: { origin: PLAYER } }),
      cors,
      NOW,
    );
    expect(res).toEqual({
      statusCode: 204,
      headers: {
        'access-control-allow-methods': 'POST',
        'access-control-allow-headers': 'content-type, authorization',
        'access-control-max-age': '600',
        'cache-control': 'no-store',
        'access-control-allow-origin': PLAYER,
        'access-control-allow-credentials': 'true',
        vary: 'Origin',
      },
      cookies: [],
      body: '',
    });
    const other = await handleAuthRequest(
      req({ method: 'OPTIONS', path: '/auth/refresh', headers: { origin: 'https://evil.example' } }),
      cors,
      NOW,
    );
    expect(errorOf(other)).toEqual([403, 'ERR_ORIGIN', 'This origin is not allowed.']);
  });
});

describe('password sign-in', () => {
  it('an Authorization header of another scheme is not a token sign-in: the password in the body decides', async () => {
    for (const authorization of ['Basic YWxpY2U6YWxpY2Utc2VjcmV0', 'Token bearer abc', 'bearer']) {
      const res = await handleAuthRequest(req({ json: alice, headers: { authorization } }), ctx, NOW);
      expect([authorization, res.statusCode, body(res).user]).toEqual([authorization, 200, 'alice']);
    }
  });

  it('with password sign-in off (no users list) credentials are refused like a wrong password', async () => {
    const { users: _none, usersSource: _source, ...off } = ctx;
    const res = await handleAuthRequest(req({ json: alice }), off, NOW);
    expect(errorOf(res)).toEqual([401, 'ERR_LOGIN_FAILED', 'Invalid username or password.']);
    expect(res.cookies).toEqual([]);
  });

  it('a failed form post is a 303 to the sign-in page whose body still names the failure', async () => {
    const res = await handleAuthRequest(
      req({
        headers: { 'content-type': FORM },
        body: new URLSearchParams({ username: 'alice', password: 'nope', next: '/player.html' }).toString(),
      }),
      ctx,
      NOW,
    );
    expect([res.statusCode, res.headers.location, body(res)]).toEqual([
      303,
      '/?reason=failed&next=%2Fplayer.html#failed',
      { error: { code: 'ERR_LOGIN_FAILED', message: 'Invalid username or password.' } },
    ]);
  });

  it('CloudFront cookies live as long as their policy (session.tokenTtlSeconds), the session cookie the idle window', async () => {
    const res = await signIn();
    const maxAges = res.cookies.map(parseSetCookie).map((c) => `${c.name} ${c.attrs['max-age']}`);
    expect(new Set(maxAges)).toEqual(new Set([...CF_NAMES.map((n) => `${n} 300`), `${SESSION} 3600`]));
  });

  it('more grants than cloudFront.maxCookieSets get one cookie set for the whole protected prefix', async () => {
    const five = withGrants(['/media/a/*', '/media/b/*', '/media/c/*', '/media/d/*', '/media/e/*']);
    const res = await signIn(five);
    const paths = res.cookies.map(parseSetCookie).map((c) => `${c.name} ${c.attrs.path}`);
    expect(paths.sort()).toEqual([...CF_NAMES.map((n) => `${n} /media/`), `${SESSION} /`].sort());
    // Sign-out expires the cookies where they were set: no Set-Cookie for the five grant directories.
    const out = await handleAuthRequest(
      req({ path: '/auth/logout', cookies: [sessionPair(res)] }),
      five,
      NOW,
    );
    expect(expired(out)).toEqual([...CF_ALL.map((n) => `${n} /media/`), `${SESSION} /`].sort());
  });
});

describe('a session cookie of at most 4,096 bytes (RFC 6265 section 6.1)', () => {
  // 61 of these grants and a session id of 21 characters make a Set-Cookie of exactly 4,096 bytes;
  // one character more of session id makes it 4,097.
  const GRANTS = Array.from(
    { length: 61 },
    (_, i) => `/media/course-${String(i).padStart(3, '0')}-advanced-module-part-a/*`,
  );

  it('is issued at exactly 4,096 bytes and refused at 4,097, the log naming the size and the limit only', async () => {
    const big = withGrants(GRANTS);
    const at = await handleAuthRequest(req({ json: alice }), { ...big, randomId: () => 's'.repeat(21) }, NOW);
    expect(at.statusCode).toBe(200);
    expect(Buffer.byteLength(at.cookies.find((c) => c.startsWith(`${SESSION}=`))!)).toBe(4096);
    const log = captureErrors();
    try {
      const over = await handleAuthRequest(
        req({ json: alice }),
        { ...big, randomId: () => 's'.repeat(22) },
        NOW,
      );
      expect([...errorOf(over), over.cookies]).toEqual([
        500,
        'ERR_SESSION_TOO_LARGE',
        expect.stringMatching(/at most 4,096 bytes\)\. Ask the operator to use fewer or wider grants\./),
        [],
      ]);
      expect(log.lines).toEqual(['{"loginError":"ERR_SESSION_TOO_LARGE","bytes":4097,"limit":4096}']);
    } finally {
      log.restore();
    }
  });

  it('a refresh whose new grants no longer fit answers ERR_SESSION_TOO_LARGE instead of a cookie no browser keeps', async () => {
    const login = await signIn();
    const log = captureErrors();
    try {
      const res = await refreshWith(login, withGrants([...GRANTS, '/media/one-more-grant/*']), NOW);
      expect([res.statusCode, body(res).error.code, res.cookies]).toEqual([500, 'ERR_SESSION_TOO_LARGE', []]);
      expect(log.lines).toHaveLength(1);
    } finally {
      log.restore();
    }
  });

  it('a broken CloudFront key is a failure of the service (thrown to the adapter), not blamed on the grants', async () => {
    const broken = { ...ctx, cloudFront: { ...ctx.cloudFront, privateKey: 'not a key' } };
    await expect(handleAuthRequest(req({ json: alice }), broken, NOW)).rejects.toThrow();
    const login = await signIn();
    await expect(refreshWith(login, broken, NOW)).rejects.toThrow();
  });
});

describe('refresh near the absolute end of a session', () => {
  // absoluteLifetimeSeconds 3600: the session ends one hour after sign-in.
  it('the session cookie never outlives the session: Max-Age is the time left when that is under the idle window', async () => {
    const short = withLifetime(3600);
    const login = await signIn(short);
    const res = await refreshWith(login, short, NOW + 1000_000);
    expect(res.statusCode).toBe(200);
    expect(cookie(res, SESSION)!.attrs['max-age']).toBe('2600');
    const policies = res.cookies.map(parseSetCookie).filter((c) => c.name === 'CloudFront-Policy');
    expect(policies.map((c) => `${c.attrs.path} ${c.attrs['max-age']}`)).toEqual([
      '/media/ 0', // the prefix-wide set a plan past maxCookieSets would have used
      '/media/course-42/ 300',
      '/media/free/ 300',
    ]);
  });

  it('renews one second before the end and refuses at the end exactly', async () => {
    const short = withLifetime(3600);
    const login = await signIn(short);
    const before = await refreshWith(login, short, NOW + 3599_000);
    expect([before.statusCode, cookie(before, SESSION)!.attrs['max-age']]).toEqual([200, '1']);
    const atEnd = await refreshWith(login, short, NOW + 3600_000);
    expect(errorOf(atEnd)).toEqual([
      401,
      'ERR_SESSION_ENDED',
      'The session reached its maximum lifetime. Sign in again.',
    ]);
  });

  it('a user removed from the users list is told the session is no longer valid', async () => {
    const login = await signIn();
    const users = new Map(ctx.users!);
    users.delete('alice');
    expect(errorOf(await refreshWith(login, { ...ctx, users }, NOW))).toEqual([
      401,
      'ERR_SESSION_INVALID',
      'The session is not valid. Sign in again.',
    ]);
  });
});

describe('OIDC sign-in answers and sessions', () => {
  const idp = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let octx: LoginContext;
  const idToken = (claims: Record<string, unknown>) =>
    new SignJWT({
      iss: 'https://idp.example.com',
      aud: 'client-1',
      sub: 'user-123',
      iat: NOW / 1000,
      exp: NOW / 1000 + 300,
      groups: ['free'],
      ...claims,
    })
      .setProtectedHeader({ alg: 'RS256', kid: 'idp-1' })
      .sign(idp.privateKey);
  const bearer = async (token: string) =>
    handleAuthRequest(req({ headers: { authorization: `Bearer ${token}` } }), octx, NOW);

  beforeAll(async () => {
    const jwk = { ...(await exportJWK(idp.publicKey)), kid: 'idp-1', alg: 'RS256' };
    const verifier = createOidcVerifier(
      {
        issuer: 'https://idp.example.com',
        audience: 'client-1',
        jwksUrl: 'https://idp.example.com/.well-known/jwks.json',
        grantsClaim: 'groups',
        grantMap: { free: ['/media/free/*'] },
      },
      '/media/',
      createLocalJWKSet({ keys: [jwk] }),
    );
    // The users list is loaded too (password sign-in on): an OIDC user is not in it.
    octx = { ...ctx, oidc: verifier };
  });

  it('an OIDC session is readable and refreshes without being looked up in the users list', async () => {
    const login = await bearer(await idToken({}));
    expect([login.statusCode, body(login).user]).toEqual([200, 'user-123']);
    expect(decodeJwt(cookie(login, SESSION)!.value).amr).toBe('oidc');
    const session = await handleAuthRequest(
      req({ method: 'GET', path: '/auth/session', cookies: [sessionPair(login)] }),
      octx,
      NOW,
    );
    expect([session.statusCode, body(session).user]).toEqual([200, 'user-123']);
    const refreshed = await refreshWith(login, octx, NOW + 60_000);
    expect([refreshed.statusCode, body(refreshed).grants]).toEqual([200, ['/media/free/*']]);
    const { users: _none, usersSource: _source, ...oidcOnly } = octx;
    expect((await refreshWith(login, oidcOnly, NOW + 60_000)).statusCode).toBe(200);
  });

  it('refusals say what is wrong with the token or the account', async () => {
    expect(errorOf(await bearer(await idToken({ aud: 'client-2' })))).toEqual([
      401,
      'ERR_TOKEN_INVALID',
      'The identity token is not valid.',
    ]);
    expect(errorOf(await bearer(await idToken({ groups: ['nobody'] })))).toEqual([
      403,
      'ERR_NO_GRANTS',
      'This account has no access to any content.',
    ]);
    const disabled = await handleAuthRequest(req({ headers: { authorization: 'Bearer abc' } }), ctx, NOW);
    expect(errorOf(disabled)).toEqual([
      400,
      'ERR_OIDC_DISABLED',
      'Sign-in with an identity token is not enabled.',
    ]);
  });
});

describe('sign-out', () => {
  let dir: string;
  let rctx: LoginContext;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'edge-auth-logout-'));
    rctx = { ...ctx, revocations: fileRevocationStore(join(dir, 'kvs.json')) };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const logout = (context: LoginContext, over: Partial<AuthRequest> = {}, at = NOW) =>
    handleAuthRequest(req({ path: '/auth/logout', ...over }), context, at);

  it('a form post (no JavaScript) is sent back to the sign-in page with every cookie expired', async () => {
    const login = await signIn();
    const res = await logout(ctx, {
      cookies: [sessionPair(login)],
      headers: { 'content-type': FORM },
      body: '',
    });
    expect([res.statusCode, res.headers.location, body(res)]).toEqual([303, '/', { signedOut: true }]);
    expect(expired(res)).toEqual(
      [
        ...CF_ALL.map((n) => `${n} /media/`),
        ...CF_ALL.map((n) => `${n} /media/course-42/`),
        ...CF_ALL.map((n) => `${n} /media/free/`),
        `${SESSION} /`,
      ].sort(),
    );
    const json = await logout(ctx, { cookies: [sessionPair(login)] });
    expect([json.statusCode, json.headers.location]).toEqual([200, undefined]);
  });

  it('finds the session cookie among the other cookies of the site, to expire the grant directories', async () => {
    const login = await signIn();
    const res = await logout(ctx, { cookies: ['theme=dark', sessionPair(login), 'lang=en'] });
    expect(expired(res)).toContain('CloudFront-Policy /media/course-42/');
  });

  it('without a session cookie only the cookies at the protected prefix and the session cookie are expired', async () => {
    const res = await logout(ctx, { cookies: ['theme=dark'] });
    expect([res.statusCode, expired(res)]).toEqual([
      200,
      [...CF_ALL.map((n) => `${n} /media/`), `${SESSION} /`].sort(),
    ]);
  });

  it('signing out of a session idle past its token (inside the idle window) still revokes it on the server', async () => {
    const login = await signIn(rctx);
    // The token expired at +300 s; the session may still be refreshed until +3600 s.
    const out = await logout(rctx, { cookies: [sessionPair(login)] }, NOW + 1200_000);
    expect(out.statusCode).toBe(200);
    const sid = decodeJwt(cookie(login, SESSION)!.value).sid as string;
    expect(Object.keys(readKvsFile(join(dir, 'kvs.json')))).toEqual([`rs:${sid}`]);
    const copy = await refreshWith(login, rctx, NOW + 1300_000);
    expect(body(copy).error.code).toBe('ERR_SESSION_REVOKED');
  });

  it('a failing revocation store answers 503 in words and logs the failure code, or ERR_REVOCATION without one', async () => {
    const login = await signIn(rctx);
    const failing = (error: Error): LoginContext => ({
      ...rctx,
      revocations: { ...rctx.revocations!, revokeSession: () => Promise.reject(error) },
    });
    const log = captureErrors();
    try {
      const plain = await logout(failing(new Error('down')), { cookies: [sessionPair(login)] });
      expect([...errorOf(plain), plain.cookies]).toEqual([
        503,
        'ERR_LOGOUT_UNAVAILABLE',
        'Signing out failed. Try again in a moment.',
        [],
      ]);
      await logout(failing(Object.assign(new Error('denied'), { code: 'EACCES' })), {
        cookies: [sessionPair(login)],
      });
      expect(log.lines).toEqual(['{"loginError":"ERR_REVOCATION"}', '{"loginError":"EACCES"}']);
    } finally {
      log.restore();
    }
  });
});
