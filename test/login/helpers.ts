import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuthRequest } from '../../src/login/http';
import { hashPassword } from '../../src/login/users';
import { cloudFrontKey, sessionKey } from '../session/fixtures';

export const FAST = { logN: 10 } as const;

export interface LoginFixture {
  dir: string;
  env: Record<string, string>;
  cloudFrontPublicKeyPem: string;
  sessionPublicKeyPem: string;
  dummyHash: string;
}

/** Keys and a users file on disk, and the environment the login function reads. */
export async function loginFixture(stage = 'dev'): Promise<LoginFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'edge-auth-login-'));
  const cf = cloudFrontKey();
  const session = sessionKey('s1');
  writeFileSync(join(dir, 'cloudfront.key.pem'), cf.privateKeyPem);
  writeFileSync(join(dir, 'session.key.pem'), session.privateKeyPem);
  const users = {
    users: [
      {
        username: 'alice',
        passwordHash: await hashPassword('alice-secret', FAST),
        grants: ['/media/course-42/*', '/media/free/*'],
      },
      { username: 'bob', passwordHash: await hashPassword('bob-secret', FAST), grants: ['/media/free/*'] },
    ],
  };
  writeFileSync(join(dir, 'users.json'), JSON.stringify(users));
  return {
    dir,
    env: {
      EDGE_AUTH_STAGE: stage,
      EDGE_AUTH_CLOUDFRONT_KEY_PAIR_ID: 'K2JCJMDEHXQW5F',
      EDGE_AUTH_CLOUDFRONT_PRIVATE_KEY: `file:${join(dir, 'cloudfront.key.pem')}`,
      EDGE_AUTH_SESSION_PRIVATE_KEY: `file:${join(dir, 'session.key.pem')}`,
      EDGE_AUTH_SESSION_KID: 's1',
      EDGE_AUTH_USERS: `file:${join(dir, 'users.json')}`,
    },
    cloudFrontPublicKeyPem: cf.publicKeyPem,
    sessionPublicKeyPem: session.publicKeyPem,
    dummyHash: await hashPassword('dummy', FAST),
  };
}

export interface ParsedSetCookie {
  name: string;
  value: string;
  attrs: Record<string, string | true>;
}

export function parseSetCookie(line: string): ParsedSetCookie {
  const [pair, ...rest] = line.split(';').map((s) => s.trim());
  const eq = pair!.indexOf('=');
  const attrs: Record<string, string | true> = {};
  for (const a of rest) {
    const i = a.indexOf('=');
    if (i === -1) attrs[a.toLowerCase()] = true;
    else attrs[a.slice(0, i).toLowerCase()] = a.slice(i + 1);
  }
  return { name: pair!.slice(0, eq), value: pair!.slice(eq + 1), attrs };
}

/** What a browser would send for `path`: cookies whose Path prefixes it, longest Path first. */
export function browserCookies(setCookies: string[], path: string): Record<string, string> {
  const jar = setCookies
    .map(parseSetCookie)
    .filter((c) => c.attrs['max-age'] !== '0')
    .filter((c) => {
      const p = String(c.attrs.path ?? '/');
      return path === p || path.startsWith(p.endsWith('/') ? p : `${p}/`);
    })
    .sort((a, b) => String(b.attrs.path).length - String(a.attrs.path).length);
  const out: Record<string, string> = {};
  for (const c of jar) if (!(c.name in out)) out[c.name] = c.value;
  return out;
}

/** A JSON sign-in request as CloudFront's /auth/* origin hands it over (`json` becomes the body). */
export function authRequest(host: string, over: Partial<AuthRequest> & { json?: unknown } = {}): AuthRequest {
  const { json, headers, ...rest } = over;
  return {
    method: 'POST',
    path: '/auth/login',
    cookies: [],
    body: json === undefined ? undefined : JSON.stringify(json),
    ...rest,
    headers: {
      'content-type': 'application/json',
      'x-auth-viewer-host': host,
      origin: `https://${host}`,
      ...headers,
    },
  };
}
