import { resolveSettings } from '../../src/config/settings';
import { loadLoginContext } from '../../src/login/context';
import type { AuthRequest, AuthResponse } from '../../src/login/http';
import { handleAuthRequest, type LoginContext, VIEWER_HOST_HEADER } from '../../src/login/service';
import { type LoginFixture, loginFixture } from './helpers';

/**
 * Two security bugs from issue 11, stated as what a browser on another site sees:
 * - CORS headers (which let that page read the answer, with credentials) go only to the
 *   configured player origins, never to whatever `Origin` a request carries;
 * - our own origin is exactly `https://<viewer host>`: a look-alike host that merely ends with
 *   ours (`https://evil<host>`), another scheme or another port is a foreign site.
 */
const HOST = 'd111111abcdef8.cloudfront.net';
const OWN = `https://${HOST}`;
const PLAYER = 'https://player.example.com';
const NOW = 1_800_000_000_000;

let fx: LoginFixture;
let ctx: LoginContext;

beforeAll(async () => {
  fx = await loginFixture('dev');
  const settings = { ...resolveSettings('dev'), allowedOrigins: [PLAYER] };
  ctx = await loadLoginContext(fx.env, { dummyHash: fx.dummyHash, settings });
});

function call(
  path: string,
  method: string,
  origin: string | undefined,
  extra: Partial<AuthRequest> = {},
): Promise<AuthResponse> {
  const headers: AuthRequest['headers'] = { 'content-type': 'application/json', [VIEWER_HOST_HEADER]: HOST };
  if (origin !== undefined) headers.origin = origin;
  return handleAuthRequest({ method, path, cookies: [], headers, ...extra }, ctx, NOW);
}

const login = (origin: string | undefined) =>
  call('/auth/login', 'POST', origin, {
    body: JSON.stringify({ username: 'alice', password: 'alice-secret' }),
  });
const code = (r: AuthResponse) => JSON.parse(r.body).error?.code;
const corsOf = (r: AuthResponse) =>
  Object.fromEntries(
    Object.entries(r.headers).filter(([k]) => k.startsWith('access-control-') || k === 'vary'),
  );

async function sessionCookies(): Promise<string[]> {
  const res = await login(OWN);
  expect(res.statusCode).toBe(200);
  // What the browser sends back: `name=value` of every cookie set.
  return res.cookies.map((c) => c.split(';')[0]!);
}

const LOOK_ALIKES = [
  `https://evil${HOST}`,
  `https://evil.${HOST}`,
  `http://${HOST}`,
  `https://${HOST}:8443`,
  `https://${HOST}.evil.example`,
  `https://${HOST}/`,
  HOST,
  'null',
];

describe('login CORS: only for the configured origins', () => {
  it('an allow-listed player origin gets CORS with credentials on success and on refusal', async () => {
    const expected = {
      'access-control-allow-origin': PLAYER,
      'access-control-allow-credentials': 'true',
      vary: 'Origin',
    };
    const ok = await login(PLAYER);
    expect(ok.statusCode).toBe(200);
    expect(corsOf(ok)).toEqual(expected);
    const refused = await call('/auth/session', 'GET', PLAYER);
    expect([refused.statusCode, code(refused)]).toEqual([401, 'ERR_NO_SESSION']);
    expect(corsOf(refused)).toEqual(expected);
  });

  it.each([
    'https://evil.example',
    `https://evil${HOST}`,
    `${PLAYER}.evil.example`,
    'http://player.example.com',
  ])('a foreign origin %s gets no CORS header, whatever the answer', async (origin) => {
    for (const res of [
      await call('/auth/session', 'GET', origin),
      await call('/auth/login', 'OPTIONS', origin),
      await call('/auth/nope', 'GET', origin),
    ]) {
      expect(corsOf(res)).toEqual({});
    }
  });

  it('the session endpoint read by a foreign page with cookies carries no CORS header', async () => {
    const cookies = await sessionCookies();
    const res = await call('/auth/session', 'GET', 'https://evil.example', { cookies });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('a same-origin call needs and gets no CORS header', async () => {
    expect(corsOf(await login(OWN))).toEqual({});
  });

  it('a preflight from the player lists the endpoint method; from anyone else it is refused', async () => {
    const ok = await call('/auth/refresh', 'OPTIONS', PLAYER);
    expect(ok.statusCode).toBe(204);
    expect(ok.headers).toMatchObject({
      'access-control-allow-origin': PLAYER,
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'content-type, authorization',
      'access-control-max-age': '600',
    });
    expect((await call('/auth/session', 'OPTIONS', PLAYER)).headers['access-control-allow-methods']).toBe(
      'GET',
    );
    for (const origin of [undefined, 'https://evil.example', OWN]) {
      const refused = await call('/auth/refresh', 'OPTIONS', origin);
      expect([refused.statusCode, code(refused)]).toEqual([403, 'ERR_ORIGIN']);
    }
  });
});

describe('own origin: exactly scheme://viewer-host', () => {
  it('sign-in from our own origin, a player origin, or with no Origin (form post) works', async () => {
    for (const origin of [OWN, PLAYER, undefined]) expect((await login(origin)).statusCode).toBe(200);
  });

  it.each(LOOK_ALIKES)('sign-in from look-alike origin %s is refused (login CSRF)', async (origin) => {
    const res = await login(origin);
    expect([res.statusCode, code(res)]).toEqual([403, 'ERR_ORIGIN']);
    expect(res.cookies).toEqual([]);
  });

  it.each(LOOK_ALIKES)('refresh and sign-out from look-alike origin %s are refused', async (origin) => {
    const cookies = await sessionCookies();
    for (const path of ['/auth/refresh', '/auth/logout']) {
      const res = await call(path, 'POST', origin, { cookies });
      expect([res.statusCode, code(res)]).toEqual([403, 'ERR_ORIGIN']);
      expect(res.cookies).toEqual([]);
    }
  });

  it('refresh and sign-out from our own origin work', async () => {
    const cookies = await sessionCookies();
    expect((await call('/auth/refresh', 'POST', OWN, { cookies })).statusCode).toBe(200);
    const out = await call('/auth/logout', 'POST', OWN, { cookies });
    expect(out.statusCode).toBe(200);
    expect(out.cookies.length).toBeGreaterThan(0);
  });

  it('on an insecure stage our own origin is http://host, and https://host is not it', async () => {
    const local = { ...ctx, settings: { ...ctx.settings, secure: false, allowedOrigins: [] } };
    const at = (origin: string) =>
      handleAuthRequest(
        {
          method: 'POST',
          path: '/auth/login',
          cookies: [],
          headers: { 'content-type': 'application/json', [VIEWER_HOST_HEADER]: HOST, origin },
          body: JSON.stringify({ username: 'alice', password: 'alice-secret' }),
        },
        local,
        NOW,
      );
    expect((await at(`http://${HOST}`)).statusCode).toBe(200);
    expect((await at(OWN)).statusCode).toBe(403);
  });
});
