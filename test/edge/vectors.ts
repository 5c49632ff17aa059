/**
 * One set of edge test vectors for both edge modes: the Lambda@Edge handler (ES256 session) and
 * the CloudFront Function run in the emulator's sandbox (HS256 session) must give the same answer
 * to each. A vector names the session by its claims; each mode signs them with its own key.
 * Expected answers are written out by hand from the contract (README "Try it", docs/sessions.md).
 */
export const NOW = 1_800_000_000;
export const PLAYER = 'https://player.example.com';
export const GRANTS = ['/media/course-42/*', '/media/free/*.m3u8'];

export interface VectorSession {
  /** Claims changed from the default valid session (sub alice, sid s1, GRANTS, issued at NOW). */
  claims?: Record<string, unknown>;
  /** How the token is spoiled after signing. */
  spoil?: 'signature' | 'unknown-kid' | 'truncated' | 'alg-none';
}

export interface Vector {
  name: string;
  uri: string;
  querystring?: string;
  /** The session cookie (none when absent). */
  session?: VectorSession;
  /** Other cookies sent along. */
  otherCookies?: string;
  headers?: Record<string, string>;
  /** KeyValueStore revocation entries (function mode only reads them). */
  kvs?: Record<string, string>;
  /** Modes the vector applies to (default both). */
  modes?: Array<'lambda' | 'function'>;
  expect:
    | { allow: true }
    | { status: 401 | 403; code: string; cors?: string }
    | { status: 302; location: string };
}

export const VECTORS: Vector[] = [
  {
    name: 'a granted segment goes on',
    uri: '/media/course-42/seg001.m4s',
    session: {},
    expect: { allow: true },
  },
  {
    name: 'a granted playlist under a ?-free wildcard grant goes on',
    uri: '/media/free/index.m3u8',
    session: {},
    expect: { allow: true },
  },
  {
    name: 'the session cookie among large CloudFront cookies',
    uri: '/media/course-42/a/b/c.ts',
    session: {},
    otherCookies: `CloudFront-Policy=${'x'.repeat(600)}; CloudFront-Key-Pair-Id=K2JCJMDEHXQW5F`,
    expect: { allow: true },
  },
  {
    name: 'no session cookie: 401 for a player',
    uri: '/media/course-42/seg001.m4s',
    expect: { status: 401, code: 'ERR_NO_SESSION' },
  },
  {
    name: 'no session cookie on a page load: 302 to sign-in with next (query kept)',
    uri: '/media/course-42/index.m3u8',
    querystring: 'x=1',
    headers: { accept: 'text/html,application/xhtml+xml' },
    expect: { status: 302, location: '/?next=%2Fmedia%2Fcourse-42%2Findex.m3u8%3Fx%3D1' },
  },
  {
    name: 'outside the grants: 403',
    uri: '/media/course-43/seg001.m4s',
    session: {},
    expect: { status: 403, code: 'ERR_NOT_GRANTED' },
  },
  {
    name: 'a grant pattern does not match another extension',
    uri: '/media/free/seg001.ts',
    session: {},
    expect: { status: 403, code: 'ERR_NOT_GRANTED' },
  },
  {
    name: 'encoded dot segment: 403 before any token check',
    uri: '/media/course-42/%2e%2e/course-43/seg.ts',
    session: {},
    expect: { status: 403, code: 'ERR_PATH_REJECTED' },
  },
  {
    name: 'double slash: 403',
    uri: '/media//course-42/seg.ts',
    expect: { status: 403, code: 'ERR_PATH_REJECTED' },
  },
  {
    name: 'percent-encoded grant path is decoded before matching',
    uri: '/media/course-42/seg%20001.m4s',
    session: {},
    expect: { allow: true },
  },
  {
    name: 'expired session: 401 ERR_SESSION_EXPIRED',
    uri: '/media/course-42/seg001.m4s',
    session: { claims: { iat: NOW - 7200, exp: NOW - 3600 } },
    expect: { status: 401, code: 'ERR_SESSION_EXPIRED' },
  },
  {
    name: 'expired but within the clock skew: allowed',
    uri: '/media/course-42/seg001.m4s',
    session: { claims: { iat: NOW - 3610, exp: NOW - 10 } },
    expect: { allow: true },
  },
  {
    name: 'wrong audience: 401 ERR_SESSION_INVALID',
    uri: '/media/course-42/seg001.m4s',
    session: { claims: { aud: 'someone-else' } },
    expect: { status: 401, code: 'ERR_SESSION_INVALID' },
  },
  {
    name: 'a grant outside the protected prefix in the token: 401 ERR_SESSION_INVALID',
    uri: '/media/course-42/seg001.m4s',
    session: { claims: { grants: ['/web/*'] } },
    expect: { status: 401, code: 'ERR_SESSION_INVALID' },
  },
  {
    name: 'bad signature: 401',
    uri: '/media/course-42/seg001.m4s',
    session: { spoil: 'signature' },
    expect: { status: 401, code: 'ERR_SESSION_INVALID' },
  },
  {
    name: 'unknown key id: 401',
    uri: '/media/course-42/seg001.m4s',
    session: { spoil: 'unknown-kid' },
    expect: { status: 401, code: 'ERR_SESSION_INVALID' },
  },
  {
    name: 'alg none: 401',
    uri: '/media/course-42/seg001.m4s',
    session: { spoil: 'alg-none' },
    expect: { status: 401, code: 'ERR_SESSION_INVALID' },
  },
  {
    name: 'truncated token: 401',
    uri: '/media/course-42/seg001.m4s',
    session: { spoil: 'truncated' },
    expect: { status: 401, code: 'ERR_SESSION_INVALID' },
  },
  {
    name: 'a denial names an allowed player origin (CORS)',
    uri: '/media/course-43/seg001.m4s',
    session: {},
    headers: { origin: PLAYER },
    expect: { status: 403, code: 'ERR_NOT_GRANTED', cors: PLAYER },
  },
  {
    name: 'a denial does not name another origin',
    uri: '/media/course-43/seg001.m4s',
    session: {},
    headers: { origin: 'https://evil.example.com' },
    expect: { status: 403, code: 'ERR_NOT_GRANTED' },
  },
  {
    name: 'a revoked session (rs:<sid>) is refused in function mode',
    uri: '/media/course-42/seg001.m4s',
    session: {},
    kvs: { 'rs:s1': String(NOW + 43200) },
    modes: ['function'],
    expect: { status: 401, code: 'ERR_SESSION_REVOKED' },
  },
  {
    name: 'a user revoked after sign-in (ru:<sub>) is refused in function mode',
    uri: '/media/course-42/seg001.m4s',
    session: {},
    kvs: { 'ru:alice': `${NOW + 5}:${NOW + 43200}` },
    modes: ['function'],
    expect: { status: 401, code: 'ERR_SESSION_REVOKED' },
  },
  {
    name: 'a user revocation from before this sign-in does not touch it',
    uri: '/media/course-42/seg001.m4s',
    session: {},
    kvs: { 'ru:alice': `${NOW - 5}:${NOW + 43200}`, 'rs:other': String(NOW + 100) },
    modes: ['function'],
    expect: { allow: true },
  },
  {
    name: 'a revoked session on a page load: 302 to sign-in',
    uri: '/media/course-42/index.m3u8',
    session: {},
    headers: { accept: 'text/html' },
    kvs: { 'rs:s1': String(NOW + 43200) },
    modes: ['function'],
    expect: { status: 302, location: '/?next=%2Fmedia%2Fcourse-42%2Findex.m3u8' },
  },
];
