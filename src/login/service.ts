import { createHash, type KeyObject, randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { decodeJwt } from 'jose';
import {
  CLOUDFRONT_COOKIE_NAMES,
  renderExpiredCookie,
  renderSetCookie,
  signCookies,
} from '../cloudfront/signer';
import type { CookieAttributes } from '../cloudfront/types';
import { type Settings, sessionCookieName } from '../config/settings';
import { readCookie } from '../edge/cookies';
import { planCookieSets } from '../session/cookie-plan';
import { MAX_COOKIE_BYTES, SessionTooLargeError } from '../session/cookie-size';
import { parseGrants } from '../session/grants';
import type { SessionSigningKey, SessionVerifyKey } from '../session/keys';
import { type RevocationStore, revocationExpiresAt } from '../session/revocation';
import { issueSessionToken, type SessionClaims, verifySessionToken } from '../session/token';
import { mediaType, parseCredentials, parseViewerHost, safeNextPath } from './body';
import { ORIGIN_SECRET_HEADER, VIEWER_HOST_HEADER, VIEWER_IP_HEADER } from './headers';
import { type AuthRequest, type AuthResponse, errorResponse, jsonResponse } from './http';
import type { OidcVerifier } from './oidc';
import { type UserRecord, verifyPassword } from './users';
import type { UsersSource } from './users-source';

/** The users list to use now: the source's (re-read past its TTL) unless `users` was replaced. */
async function usersAt(ctx: LoginContext, now: number): Promise<ReadonlyMap<string, UserRecord> | undefined> {
  if (ctx.usersSource && ctx.users === ctx.usersSource.initial) return ctx.usersSource.current(now);
  return ctx.users;
}

/** Everything the login service needs, loaded once per container by functions/login.ts. */
export interface LoginContext {
  settings: Settings;
  /** Users by name as loaded (absent: password sign-in is off). */
  users?: ReadonlyMap<string, UserRecord>;
  /** Re-reads the users list after `login.usersTtlSeconds` (set by loadLoginContext). */
  usersSource?: UsersSource;
  oidc?: OidcVerifier;
  cloudFront: { keyPairId: string; privateKey: string | KeyObject };
  session: { signing: SessionSigningKey; verify: ReadonlyMap<string, SessionVerifyKey> };
  /** The viewer host (alias) when fixed by configuration; else taken from `x-auth-viewer-host`. */
  publicHost?: string;
  /**
   * The values CloudFront's `/auth/*` origin may add as `x-auth-origin-secret`: the current one and,
   * during a rotation, the previous one (edge locations switch over while the distribution deploys).
   * When set, a request without one of them came straight to the public function URL, around
   * CloudFront, and is refused.
   */
  originSecrets?: readonly string[];
  /** A hash with the default parameters, checked when the user does not exist (comparable timing). */
  dummyHash: string;
  randomId?: () => string;
  /**
   * Server-side revocations (the stage's KeyValueStore, `.local/kvs.json` locally). Absent: signing
   * out only clears this browser's cookies and refresh cannot refuse a copied session.
   */
  revocations?: RevocationStore;
}

export { ORIGIN_SECRET_HEADER, VIEWER_HOST_HEADER, VIEWER_IP_HEADER } from './headers';

/** True when `given` is one of `accepted`; every candidate is compared, so timing says nothing about which. */
export function isAcceptedSecret(given: string | undefined, accepted: readonly string[]): boolean {
  // Digests first: timingSafeEqual needs equal lengths, and the length must not leak either.
  const a = createHash('sha256')
    .update(given ?? '')
    .digest();
  let ok = false;
  for (const expected of accepted) {
    if (timingSafeEqual(a, createHash('sha256').update(expected).digest())) ok = true;
  }
  return given !== undefined && ok;
}

const LOGIN_FAILED = 'Invalid username or password.';

function route(ctx: LoginContext, path: string): 'login' | 'refresh' | 'logout' | 'session' | undefined {
  const prefix = ctx.settings.authPrefix;
  if (!path.startsWith(prefix)) return undefined;
  const rest = path.slice(prefix.length);
  return rest === 'login' || rest === 'refresh' || rest === 'logout' || rest === 'session' ? rest : undefined;
}

const METHODS = { login: 'POST', refresh: 'POST', logout: 'POST', session: 'GET' } as const;

function viewerHost(req: AuthRequest, ctx: LoginContext): string | undefined {
  return parseViewerHost(ctx.publicHost ?? req.headers[VIEWER_HOST_HEADER]);
}

function scheme(ctx: LoginContext): 'https' | 'http' {
  return ctx.settings.secure ? 'https' : 'http';
}

/** CORS for the configured cross-origin callers (same-origin callers need none). */
function corsHeaders(req: AuthRequest, ctx: LoginContext): Record<string, string> {
  const origin = req.headers.origin;
  if (!origin || !ctx.settings.allowedOrigins.includes(origin)) return {};
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-credentials': 'true',
    vary: 'Origin',
  };
}

/** CSRF: a cookie-authenticated POST must come from our own origin or a configured one. */
function originAllowed(req: AuthRequest, ctx: LoginContext, host: string): boolean {
  const origin = req.headers.origin;
  if (!origin) return false;
  return origin === `${scheme(ctx)}://${host}` || ctx.settings.allowedOrigins.includes(origin);
}

function cookieAttrs(ctx: LoginContext, path: string, maxAge?: number): CookieAttributes {
  return { path, secure: ctx.settings.secure, httpOnly: true, sameSite: 'Lax', maxAge };
}

/**
 * The viewer's address. Behind CloudFront the function URL's `sourceIp` is CloudFront's own address
 * (the TCP peer), so the viewer's comes from the header the `/auth/*` CloudFront Function writes
 * from `event.viewer.ip`, trusted only when the request proved it came through CloudFront (the
 * origin secret checked out): a viewer can send any header, but the function overwrites this one.
 */
function viewerIpOf(req: AuthRequest, throughCloudFront: boolean): string | undefined {
  const forwarded = req.headers[VIEWER_IP_HEADER];
  if (throughCloudFront && forwarded && isIP(forwarded)) return forwarded;
  return req.sourceIp;
}

/** Signed CloudFront cookies for every planned set, plus the session cookie. */
async function issueCookies(
  req: AuthRequest,
  ctx: LoginContext,
  host: string,
  input: { sub: string; grants: string[]; sid: string; authTime: number; method: 'pwd' | 'oidc' },
  nowSec: number,
): Promise<{ cookies: string[]; claims: SessionClaims; paths: Set<string> }> {
  const s = ctx.settings;
  const { token, claims } = await issueSessionToken(
    {
      ...input,
      now: nowSec,
      ttlSeconds: s.session.tokenTtlSeconds,
      absoluteLifetimeSeconds: s.session.absoluteLifetimeSeconds,
      issuer: s.session.issuer,
      audience: s.session.audience,
    },
    ctx.session.signing,
  );
  // CloudFront cookies live as long as their policy; the session cookie for the idle window, so a
  // player that was paused can still refresh (never past the session's absolute end).
  const maxAge = claims.exp - nowSec;
  const sessionMaxAge = Math.max(
    0,
    Math.min(s.session.ttlSeconds, claims.auth_time + s.session.absoluteLifetimeSeconds - nowSec),
  );
  const plan = planCookieSets(claims.grants, {
    protectedPrefix: s.protectedPrefix,
    maxCookieSets: s.cloudFront.maxCookieSets,
  });
  const sourceIp = s.cloudFront.bindIp ? req.sourceIp : undefined;
  const cookies: string[] = [];
  for (const set of plan.sets) {
    const signed = signCookies({
      resource: `${scheme(ctx)}://${host}${set.pattern}`,
      expires: claims.exp,
      sourceIp,
      keyPairId: ctx.cloudFront.keyPairId,
      privateKey: ctx.cloudFront.privateKey as string,
      hashAlgorithm: s.cloudFront.hashAlgorithm,
    });
    for (const [name, value] of Object.entries(signed)) {
      cookies.push(renderSetCookie(name, value, cookieAttrs(ctx, set.cookiePath, maxAge)));
    }
  }
  const sessionCookie = renderSetCookie(sessionCookieName(s), token, cookieAttrs(ctx, '/', sessionMaxAge));
  // A cookie past what browsers keep would be dropped silently: sign-in would "work" and the next
  // request would have no session. Refuse instead (RFC 6265 section 6.1).
  const bytes = Buffer.byteLength(sessionCookie);
  if (bytes > MAX_COOKIE_BYTES) throw new SessionTooLargeError(bytes, `user "${input.sub}"`);
  cookies.push(sessionCookie);
  return { cookies, claims, paths: new Set(plan.sets.map((set) => set.cookiePath)) };
}

/** The answer when an account's grants do not fit in a session cookie (operator data, so a 5xx). */
function sessionTooLarge(error: SessionTooLargeError): AuthResponse {
  // The log names the size, not the user or the token.
  console.error(JSON.stringify({ loginError: error.code, bytes: error.bytes, limit: MAX_COOKIE_BYTES }));
  return errorResponse(
    500,
    'ERR_SESSION_TOO_LARGE',
    `This account has more access than fits in a session cookie (browsers keep at most ${MAX_COOKIE_BYTES.toLocaleString('en-US')} bytes). Ask the operator to use fewer or wider grants.`,
  );
}

/** Every path a CloudFront cookie set may have been issued on for these grants (logout, refresh). */
function cookiePaths(ctx: LoginContext, grants: string[]): Set<string> {
  const { protectedPrefix } = ctx.settings;
  const plan = planCookieSets(grants, {
    protectedPrefix,
    maxCookieSets: ctx.settings.cloudFront.maxCookieSets,
  });
  const paths = new Set(plan.sets.map((s) => s.cookiePath));
  paths.add(protectedPrefix);
  return paths;
}

function expireCloudFrontCookies(ctx: LoginContext, paths: Iterable<string>): string[] {
  const out: string[] = [];
  for (const path of paths) {
    for (const name of CLOUDFRONT_COOKIE_NAMES) out.push(renderExpiredCookie(name, cookieAttrs(ctx, path)));
  }
  return out;
}

function sessionBody(claims: SessionClaims, ctx: LoginContext) {
  return {
    user: claims.sub,
    grants: claims.grants,
    expiresAt: new Date(claims.exp * 1000).toISOString(),
    sessionEndsAt: new Date(
      (claims.auth_time + ctx.settings.session.absoluteLifetimeSeconds) * 1000,
    ).toISOString(),
  };
}

const REVOKED = 'This session was signed out. Sign in again.';

async function readSession(
  req: AuthRequest,
  ctx: LoginContext,
  now: number,
  options: { idleGrace?: boolean } = {},
): Promise<{ ok: true; claims: SessionClaims } | { ok: false; response: AuthResponse }> {
  const token = readCookie(req.cookies.join('; '), sessionCookieName(ctx.settings));
  if (!token) return { ok: false, response: errorResponse(401, 'ERR_NO_SESSION', 'Not signed in.') };
  const s = ctx.settings;
  const outcome = await verifySessionToken(token, ctx.session.verify, {
    issuer: s.session.issuer,
    audience: s.session.audience,
    now,
    clockSkewSeconds: s.session.clockSkewSeconds,
    protectedPrefix: s.protectedPrefix,
    // Refresh renews a token that expired within the idle window (ttlSeconds after it was issued).
    expiredGraceSeconds: options.idleGrace ? s.session.ttlSeconds - s.session.tokenTtlSeconds : 0,
  });
  if (!outcome.ok) {
    return outcome.reason === 'expired'
      ? {
          ok: false,
          response: errorResponse(401, 'ERR_SESSION_EXPIRED', 'The session has expired. Sign in again.'),
        }
      : {
          ok: false,
          response: errorResponse(401, 'ERR_SESSION_INVALID', 'The session is not valid. Sign in again.'),
        };
  }
  if (ctx.revocations && (await ctx.revocations.isRevoked(outcome.claims, Math.floor(now / 1000)))) {
    return { ok: false, response: errorResponse(401, 'ERR_SESSION_REVOKED', REVOKED) };
  }
  return { ok: true, claims: outcome.claims };
}

async function login(req: AuthRequest, ctx: LoginContext, host: string, now: number): Promise<AuthResponse> {
  const nowSec = Math.floor(now / 1000);
  const authorization = req.headers.authorization;
  let identity: { sub: string; grants: string[]; method: 'pwd' | 'oidc' };
  let redirect: string | undefined;
  if (authorization !== undefined && /^bearer\s/i.test(authorization)) {
    if (!ctx.oidc)
      return errorResponse(400, 'ERR_OIDC_DISABLED', 'Sign-in with an identity token is not enabled.');
    const result = await ctx.oidc.verify(authorization.replace(/^bearer\s+/i, '').trim(), now);
    if (!result.ok) {
      return result.reason === 'no-grants'
        ? errorResponse(403, 'ERR_NO_GRANTS', 'This account has no access to any content.')
        : errorResponse(401, 'ERR_TOKEN_INVALID', 'The identity token is not valid.');
    }
    identity = { sub: result.username, grants: result.grants, method: 'oidc' };
  } else {
    const body = parseCredentials(req.headers['content-type'], req.body);
    if (!body.ok) {
      const code =
        body.status === 415
          ? 'ERR_UNSUPPORTED_MEDIA_TYPE'
          : body.status === 413
            ? 'ERR_BODY_TOO_LARGE'
            : 'ERR_BAD_REQUEST';
      return errorResponse(body.status, code, body.message);
    }
    const user = (await usersAt(ctx, now))?.get(body.username);
    // Hash even for unknown users so timing does not tell which names exist.
    const matches = await verifyPassword(body.password, user?.passwordHash ?? ctx.dummyHash);
    if (!user || !matches) {
      if (body.form) {
        // A browser without JavaScript would show a raw JSON page: send it back to the sign-in
        // page, which explains `reason=failed` in words, and keep where it was going.
        const next = safeNextPath(body.next, ctx.settings.playerPath);
        const query = new URLSearchParams({ reason: 'failed', next }).toString();
        return jsonResponse(
          303,
          { error: { code: 'ERR_LOGIN_FAILED', message: LOGIN_FAILED } },
          // #failed lets the page show the reason with CSS alone (:target), no script needed.
          { headers: { location: `${ctx.settings.signInPath}?${query}#failed` } },
        );
      }
      return errorResponse(401, 'ERR_LOGIN_FAILED', LOGIN_FAILED);
    }
    identity = { sub: user.username, grants: user.grants, method: 'pwd' };
    if (body.form) redirect = safeNextPath(body.next, ctx.settings.playerPath);
  }
  const sid = (ctx.randomId ?? (() => randomBytes(16).toString('base64url')))();
  let issued: Awaited<ReturnType<typeof issueCookies>>;
  try {
    issued = await issueCookies(req, ctx, host, { ...identity, sid, authTime: nowSec }, nowSec);
  } catch (error) {
    if (error instanceof SessionTooLargeError) return sessionTooLarge(error);
    throw error;
  }
  const { cookies, claims } = issued;
  if (redirect) {
    // 303: the browser follows a form POST with a GET.
    return jsonResponse(303, sessionBody(claims, ctx), { headers: { location: redirect }, cookies });
  }
  return jsonResponse(200, sessionBody(claims, ctx), { cookies });
}

async function refresh(
  req: AuthRequest,
  ctx: LoginContext,
  host: string,
  now: number,
): Promise<AuthResponse> {
  const session = await readSession(req, ctx, now, { idleGrace: true });
  if (!session.ok) {
    // A refused refresh also clears the cookies, so the browser stops presenting them.
    if (session.response.statusCode === 401) session.response.cookies.push(...clearAllCookies(req, ctx));
    return session.response;
  }
  const old = session.claims;
  const nowSec = Math.floor(now / 1000);
  if (nowSec >= old.auth_time + ctx.settings.session.absoluteLifetimeSeconds) {
    return errorResponse(
      401,
      'ERR_SESSION_ENDED',
      'The session reached its maximum lifetime. Sign in again.',
    );
  }
  let grants = old.grants;
  const users = old.amr === 'pwd' ? await usersAt(ctx, now) : undefined;
  if (users) {
    // The users list as of now (re-read past login.usersTtlSeconds): a removed user or a changed
    // grant takes effect at the first refresh after that.
    const user = users.get(old.sub);
    if (!user) return errorResponse(401, 'ERR_SESSION_INVALID', 'The session is not valid. Sign in again.');
    grants = user.grants;
  }
  let issued: Awaited<ReturnType<typeof issueCookies>>;
  try {
    issued = await issueCookies(
      req,
      ctx,
      host,
      { sub: old.sub, grants, sid: old.sid, authTime: old.auth_time, method: old.amr },
      nowSec,
    );
  } catch (error) {
    if (error instanceof SessionTooLargeError) return sessionTooLarge(error);
    throw error;
  }
  const stale = [...cookiePaths(ctx, old.grants)].filter((p) => !issued.paths.has(p));
  return jsonResponse(200, sessionBody(issued.claims, ctx), {
    cookies: [...expireCloudFrontCookies(ctx, stale), ...issued.cookies],
  });
}

/** Every cookie this session may have set: the CloudFront sets of its grants and the session cookie. */
function clearAllCookies(req: AuthRequest, ctx: LoginContext): string[] {
  const token = readCookie(req.cookies.join('; '), sessionCookieName(ctx.settings));
  let grants: string[] = [];
  if (token) {
    try {
      // Unverified on purpose: the grants only tell which cookie paths to clear.
      grants = parseGrants(decodeJwt(token).grants, ctx.settings.protectedPrefix);
    } catch {
      grants = [];
    }
  }
  return [
    ...expireCloudFrontCookies(ctx, cookiePaths(ctx, grants)),
    renderExpiredCookie(sessionCookieName(ctx.settings), cookieAttrs(ctx, '/')),
  ];
}

async function logout(req: AuthRequest, ctx: LoginContext, now: number): Promise<AuthResponse> {
  if (ctx.revocations) {
    // Revoke on the server first: a copy of these cookies must stop working too. Only a verified
    // session is revoked (anyone could forge an unsigned sid), until its absolute end.
    const session = await readSession(req, ctx, now, { idleGrace: true });
    if (session.ok) {
      const { sid, auth_time } = session.claims;
      try {
        const { absoluteLifetimeSeconds, clockSkewSeconds } = ctx.settings.session;
        await ctx.revocations.revokeSession(
          sid,
          revocationExpiresAt(auth_time + absoluteLifetimeSeconds, clockSkewSeconds),
        );
      } catch (error) {
        console.error(JSON.stringify({ loginError: (error as { code?: string }).code ?? 'ERR_REVOCATION' }));
        // Cookies are kept, so the viewer can try again and the revocation is not silently lost.
        return errorResponse(503, 'ERR_LOGOUT_UNAVAILABLE', 'Signing out failed. Try again in a moment.');
      }
    }
  }
  const cookies = clearAllCookies(req, ctx);
  if (mediaType(req.headers['content-type']) === 'application/x-www-form-urlencoded') {
    return jsonResponse(
      303,
      { signedOut: true },
      { headers: { location: ctx.settings.signInPath }, cookies },
    );
  }
  return jsonResponse(200, { signedOut: true }, { cookies });
}

/**
 * The login service: `POST {authPrefix}login|refresh|logout`, `GET {authPrefix}session`.
 * `now` is epoch ms. Answers every request with a status and a JSON body; it throws only on
 * failures of its own dependencies (the adapter turns those into a 500 without detail).
 */
export async function handleAuthRequest(
  req: AuthRequest,
  ctx: LoginContext,
  now: number,
): Promise<AuthResponse> {
  if (
    ctx.originSecrets !== undefined &&
    !isAcceptedSecret(req.headers[ORIGIN_SECRET_HEADER], ctx.originSecrets)
  ) {
    return errorResponse(403, 'ERR_DIRECT_ACCESS', 'Sign in through the site, not the function URL.');
  }
  // From here on `sourceIp` is the viewer's address (see viewerIpOf).
  const viewerReq = { ...req, sourceIp: viewerIpOf(req, ctx.originSecrets !== undefined) };
  const response = await dispatch(viewerReq, ctx, now);
  Object.assign(response.headers, corsHeaders(req, ctx));
  return response;
}

async function dispatch(req: AuthRequest, ctx: LoginContext, now: number): Promise<AuthResponse> {
  const name = route(ctx, req.path);
  if (!name) return errorResponse(404, 'ERR_NOT_FOUND', 'No such endpoint.');
  const method = req.method.toUpperCase();
  if (method === 'OPTIONS') {
    const origin = req.headers.origin;
    if (!origin || !ctx.settings.allowedOrigins.includes(origin)) {
      return errorResponse(403, 'ERR_ORIGIN', 'This origin is not allowed.');
    }
    return {
      statusCode: 204,
      headers: {
        'access-control-allow-methods': METHODS[name],
        'access-control-allow-headers': 'content-type, authorization',
        'access-control-max-age': '600',
        'cache-control': 'no-store',
      },
      cookies: [],
      body: '',
    };
  }
  if (method !== METHODS[name]) {
    return errorResponse(405, 'ERR_METHOD_NOT_ALLOWED', `Use ${METHODS[name]} for this endpoint.`, {
      allow: `${METHODS[name]}, OPTIONS`,
    });
  }
  if (name === 'session') {
    const session = await readSession(req, ctx, now);
    return session.ok ? jsonResponse(200, sessionBody(session.claims, ctx)) : session.response;
  }
  const host = viewerHost(req, ctx);
  if (!host) return errorResponse(400, 'ERR_BAD_HOST', 'The viewer host is missing or not a host name.');
  if (name === 'login') {
    // Login CSRF: a foreign page must not sign the victim into another account.
    if (req.headers.origin !== undefined && !originAllowed(req, ctx, host)) {
      return errorResponse(403, 'ERR_ORIGIN', 'This origin is not allowed.');
    }
    return login(req, ctx, host, now);
  }
  if (!originAllowed(req, ctx, host)) return errorResponse(403, 'ERR_ORIGIN', 'This origin is not allowed.');
  return name === 'refresh' ? refresh(req, ctx, host, now) : logout(req, ctx, now);
}
