import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveSettings } from '../../src/config/settings';
import { loadLoginContext } from '../../src/login/context';
import type { AuthRequest } from '../../src/login/http';
import { handleAuthRequest, type LoginContext } from '../../src/login/service';
import { type LoginFixture, loginFixture, parseSetCookie } from './helpers';

// A removed user stops signing in and refreshing once the users source has been re-read
// (issue 9, finding 2). Time is a parameter: no sleeps.
const HOST = 'd111111abcdef8.cloudfront.net';
const ORIGIN = `https://${HOST}`;
const NOW = 1_800_000_000_000;
const SESSION = '__Host-edge_session';

let fx: LoginFixture;
let ctx: LoginContext;
let usersFile: string;
let original: string;

beforeEach(async () => {
  fx = await loginFixture('dev');
  usersFile = join(fx.dir, 'users.json');
  original = readFileSync(usersFile, 'utf8');
  // The context loads at NOW, as a cold container would.
  ctx = await loadLoginContext(fx.env, { dummyHash: fx.dummyHash, now: () => NOW });
});

function login(username: string, password: string): AuthRequest {
  return {
    method: 'POST',
    path: '/auth/login',
    cookies: [],
    body: JSON.stringify({ username, password }),
    headers: { 'content-type': 'application/json', 'x-auth-viewer-host': HOST, origin: ORIGIN },
  };
}

function refresh(cookies: string[]): AuthRequest {
  const token = cookies.map(parseSetCookie).find((c) => c.name === SESSION)!.value;
  return {
    method: 'POST',
    path: '/auth/refresh',
    cookies: [`${SESSION}=${token}`],
    headers: { 'x-auth-viewer-host': HOST, origin: ORIGIN },
  };
}

function removeAlice() {
  const file = JSON.parse(original) as { users: Array<{ username: string }> };
  writeFileSync(usersFile, JSON.stringify({ users: file.users.filter((u) => u.username !== 'alice') }));
}

describe('login.usersTtlSeconds', () => {
  it('is 60 seconds or less by default, on every stage', () => {
    for (const stage of ['local', 'dev', 'prod']) {
      const ttl = resolveSettings(stage).login.usersTtlSeconds;
      expect([stage, ttl > 0 && ttl <= 60]).toEqual([stage, true]);
    }
  });

  it('a removed user is refused at sign-in and at refresh once the TTL has passed', async () => {
    const ttlMs = ctx.settings.login.usersTtlSeconds * 1000;
    const first = await handleAuthRequest(login('alice', 'alice-secret'), ctx, NOW);
    expect(first.statusCode).toBe(200);
    removeAlice();

    // Inside the TTL the cached list may still be used (the documented window).
    const later = NOW + ttlMs;
    const signIn = await handleAuthRequest(login('alice', 'alice-secret'), ctx, later);
    expect([signIn.statusCode, JSON.parse(signIn.body).error?.code]).toEqual([401, 'ERR_LOGIN_FAILED']);
    const again = await handleAuthRequest(refresh(first.cookies), ctx, later);
    expect([again.statusCode, JSON.parse(again.body).error?.code]).toEqual([401, 'ERR_SESSION_INVALID']);
    // Everyone else is unaffected.
    expect((await handleAuthRequest(login('bob', 'bob-secret'), ctx, later)).statusCode).toBe(200);
  });

  it('an added user can sign in once the TTL has passed', async () => {
    const ttlMs = ctx.settings.login.usersTtlSeconds * 1000;
    const file = JSON.parse(original) as {
      users: Array<{ username: string; passwordHash: string; grants: string[] }>;
    };
    const alice = file.users.find((u) => u.username === 'alice')!;
    writeFileSync(usersFile, JSON.stringify({ users: [...file.users, { ...alice, username: 'carol' }] }));
    const res = await handleAuthRequest(login('carol', 'alice-secret'), ctx, NOW + ttlMs);
    expect(res.statusCode).toBe(200);
  });

  it('a users source that cannot be re-read makes sign-in unavailable, not stale', async () => {
    const ttlMs = ctx.settings.login.usersTtlSeconds * 1000;
    writeFileSync(usersFile, '{ not json');
    await expect(handleAuthRequest(login('alice', 'alice-secret'), ctx, NOW + ttlMs)).rejects.toThrow(
      /EDGE_AUTH_USERS is not valid JSON/,
    );
  });
});
