import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveSettings } from '../../src/config/settings';
import { normalizePath } from '../../src/edge/uri';
import { keyFromUri } from '../../src/local/origin';
import { loadLoginContext } from '../../src/login/context';
import type { AuthRequest } from '../../src/login/http';
import { handleAuthRequest, type LoginContext } from '../../src/login/service';
import { addUser, parseUsersFile } from '../../src/login/users';
import { sessionCookieBytes } from '../../src/session/cookie-size';
import { validateGrant } from '../../src/session/grants';
import { FAST, type LoginFixture, loginFixture } from './helpers';

// Grants that cannot be served as written (issue 9, findings 4 and 5): `+` in a path, which S3
// reads as a space, and more grants than fit in a cookie a browser keeps (RFC 6265 section 6.1).
const HOST = 'd111111abcdef8.cloudfront.net';
const NOW = 1_800_000_000_000;

let fx: LoginFixture;
let ctx: LoginContext;

beforeAll(async () => {
  fx = await loginFixture('dev');
  ctx = await loadLoginContext(fx.env, { dummyHash: fx.dummyHash });
});

/** 64 grants of about 45 characters: a valid users file whose session cookie was 4,232 bytes. */
const MANY = Array.from(
  { length: 64 },
  (_, i) => `/media/course-${String(i).padStart(3, '0')}-advanced-module-part-a/*`,
);

function settingsWith(grantMap: Record<string, string[]>) {
  return resolveSettings('dev', {
    ...(JSON.parse(readFileSync(join(__dirname, '../../config/settings.json'), 'utf8')) as object),
    oidc: {
      issuer: 'https://idp.example.com',
      audience: 'client-1',
      jwksUrl: 'https://idp.example.com/.well-known/jwks.json',
      grantsClaim: 'groups',
      grantMap,
    },
  });
}

describe('"+" in grants (S3 reads a raw + in a path as a space)', () => {
  it('is refused by the grant rule with a message that says why', () => {
    expect(() => validateGrant('/media/c++/*', '/media/')).toThrow(/"\+".*S3.*space/);
  });

  it('is refused by users add and in a users file, naming the user', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'edge-auth-plus-')), 'users.json');
    await expect(addUser(file, 'carol', 'long-password', ['/media/c++/*'], FAST)).rejects.toThrow(/\+/);
    const text = JSON.stringify({
      users: [{ username: 'carol', passwordHash: fx.dummyHash, grants: ['/media/c++/*'] }],
    });
    expect(() => parseUsersFile(text, 'users.json')).toThrow(/user "carol".*\+/);
  });

  it('is refused in the OIDC grant map, naming the entry', () => {
    expect(() => settingsWith({ cpp: ['/media/c++/*'] })).toThrow(/oidc\.grantMap\.cpp.*\+/);
  });

  it('the edge and the local origin read a path as S3 does: + is a space, %2B is +', () => {
    expect(normalizePath('/media/c++/seg.m4s')).toEqual({ ok: true, path: '/media/c  /seg.m4s' });
    expect(normalizePath('/media/c%2B%2B/seg.m4s')).toEqual({ ok: true, path: '/media/c++/seg.m4s' });
    expect(keyFromUri('/media/c++/seg.m4s')).toBe('media/c  /seg.m4s');
    expect(keyFromUri('/media/c%2B%2B/seg.m4s')).toBe('media/c++/seg.m4s');
  });
});

describe('a session cookie a browser keeps (name, value and attributes within 4,096 bytes)', () => {
  it('users add refuses grants whose session cookie would pass 4,096 bytes, naming the limit', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'edge-auth-size-')), 'users.json');
    await expect(addUser(file, 'dave', 'long-password', MANY, FAST)).rejects.toThrow(/4,096 bytes/);
    await expect(addUser(file, 'dave', 'long-password', MANY.slice(0, 8), FAST)).resolves.toBeDefined();
  });

  it('sign-in refuses with ERR_SESSION_TOO_LARGE (no cookies) instead of a 200 with a cookie no browser keeps', async () => {
    const users = new Map(ctx.users!);
    users.set('alice', { ...users.get('alice')!, grants: MANY });
    const req: AuthRequest = {
      method: 'POST',
      path: '/auth/login',
      cookies: [],
      body: JSON.stringify({ username: 'alice', password: 'alice-secret' }),
      headers: { 'content-type': 'application/json', 'x-auth-viewer-host': HOST, origin: `https://${HOST}` },
    };
    const res = await handleAuthRequest(req, { ...ctx, users }, NOW);
    expect(res.statusCode).toBe(500);
    expect(JSON.parse(res.body).error.code).toBe('ERR_SESSION_TOO_LARGE');
    expect(JSON.parse(res.body).error.message).toMatch(/4,096 bytes/);
    expect(res.cookies).toEqual([]);
    // A normal user still signs in, and every Set-Cookie it gets is within the limit.
    const ok = await handleAuthRequest(req, ctx, NOW);
    expect(ok.statusCode).toBe(200);
    for (const line of ok.cookies) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(4096);
    // users add and settings judge by an estimate: it must never be below what sign-in sends.
    const session = ok.cookies.find((c) => c.startsWith('__Host-edge_session='))!;
    const estimate = sessionCookieBytes(ctx.settings, {
      sub: 'alice',
      grants: ctx.users!.get('alice')!.grants,
      amr: 'pwd',
    });
    expect(estimate).toBeGreaterThanOrEqual(Buffer.byteLength(session));
    expect(estimate - Buffer.byteLength(session)).toBeLessThan(64);
  });

  it('an OIDC grant map whose grants together would not fit is refused, naming the limit', () => {
    expect(() => settingsWith({ all: MANY })).toThrow(/oidc\.grantMap.*4,096 bytes/);
    expect(() => settingsWith({ some: MANY.slice(0, 8) })).not.toThrow();
  });
});
