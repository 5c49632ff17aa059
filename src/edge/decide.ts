import type { TokenFailure } from '../session/token';
import { type EdgeVerifyKey, importEdgeVerifyKey, verifySessionTokenSync } from '../session/verify-sync';
import type { EdgeConfig } from './config';
import { readCookie } from './cookies';
import { SessionCache } from './session-cache';
import { normalizePath, type PathProblem } from './uri';

/** What the edge sees of a viewer request (a plain shape, no CloudFront event). */
export interface EdgeRequest {
  method: string;
  uri: string;
  querystring: string;
  /** All Cookie headers joined with "; ". */
  cookie?: string;
  accept?: string;
  origin?: string;
}

/** Public denial codes (JSON body); `reason` says more, for logs only. */
export type DenyCode =
  | 'ERR_NO_SESSION'
  | 'ERR_SESSION_INVALID'
  | 'ERR_SESSION_EXPIRED'
  | 'ERR_PATH_REJECTED'
  | 'ERR_NOT_GRANTED'
  | 'ERR_EDGE_INTERNAL';

export type DenyReason = 'no-session' | TokenFailure | PathProblem | 'outside-grants' | 'internal-error';

export type EdgeDecision =
  | { kind: 'allow'; sub: string }
  | { kind: 'deny'; status: 401 | 403; code: DenyCode; reason: DenyReason }
  | { kind: 'redirect'; location: string; code: DenyCode; reason: DenyReason };

/** Per-container state: the config, its imported keys, the verified-session cache. */
export interface EdgeRuntime {
  config: EdgeConfig;
  keys: ReadonlyMap<string, EdgeVerifyKey>;
  cache: SessionCache;
}

/** Per-container set-up: public keys parsed once. Throws on a key that does not parse. */
export function createEdgeRuntime(config: EdgeConfig): EdgeRuntime {
  const keys = new Map<string, EdgeVerifyKey>();
  for (const k of config.keys) keys.set(k.kid, importEdgeVerifyKey(k.kid, k.alg, k.spki));
  return { config, keys, cache: new SessionCache(config.sessionCacheSize) };
}

export const DENY_MESSAGES: Record<DenyCode, string> = {
  ERR_NO_SESSION: 'Sign in to access this content.',
  ERR_SESSION_INVALID: 'Your session is not valid. Sign in again.',
  ERR_SESSION_EXPIRED: 'Your session has expired. Sign in again.',
  ERR_PATH_REJECTED: 'This path is not allowed.',
  ERR_NOT_GRANTED: 'Your account has no access to this content.',
  ERR_EDGE_INTERNAL: 'Access could not be checked.',
};

function sessionCode(reason: TokenFailure): DenyCode {
  return reason === 'expired' ? 'ERR_SESSION_EXPIRED' : 'ERR_SESSION_INVALID';
}

function isNavigation(req: EdgeRequest): boolean {
  return (req.method === 'GET' || req.method === 'HEAD') && (req.accept ?? '').includes('text/html');
}

/** 401s become a redirect to sign-in for page loads; players and fetches get the JSON 401. */
function unauthenticated(
  req: EdgeRequest,
  config: EdgeConfig,
  code: DenyCode,
  reason: DenyReason,
): EdgeDecision {
  if (isNavigation(req)) {
    // `req.uri` passed normalizePath: a local absolute path without `//` or `\`, so a safe `next`.
    const next = req.querystring ? `${req.uri}?${req.querystring}` : req.uri;
    const sep = config.signInPath.includes('?') ? '&' : '?';
    return {
      kind: 'redirect',
      location: `${config.signInPath}${sep}next=${encodeURIComponent(next)}`,
      code,
      reason,
    };
  }
  return { kind: 'deny', status: 401, code, reason };
}

/**
 * The edge decision: (request, runtime, now in epoch ms) → allow | deny | redirect.
 * Path first (cheap, and hostile forms never reach token parsing), then the session, then the grants.
 */
export function decide(req: EdgeRequest, runtime: EdgeRuntime, now: number): EdgeDecision {
  const { config, cache } = runtime;
  const path = normalizePath(req.uri);
  if (!path.ok) return { kind: 'deny', status: 403, code: 'ERR_PATH_REJECTED', reason: path.why };

  const token = readCookie(req.cookie, config.cookieName);
  if (!token) return unauthenticated(req, config, 'ERR_NO_SESSION', 'no-session');

  let session = cache.get(token, now);
  if (session === 'expired') return unauthenticated(req, config, 'ERR_SESSION_EXPIRED', 'expired');
  if (session === undefined) {
    const outcome = verifySessionTokenSync(token, runtime.keys, {
      issuer: config.issuer,
      audience: config.audience,
      now,
      clockSkewSeconds: config.clockSkewSeconds,
      protectedPrefix: config.protectedPrefix,
    });
    if (!outcome.ok) return unauthenticated(req, config, sessionCode(outcome.reason), outcome.reason);
    session = cache.set(token, outcome.claims, config.clockSkewSeconds);
  }

  if (!path.path.startsWith(config.protectedPrefix) || !session.grants.test(path.path)) {
    return { kind: 'deny', status: 403, code: 'ERR_NOT_GRANTED', reason: 'outside-grants' };
  }
  return { kind: 'allow', sub: session.sub };
}
