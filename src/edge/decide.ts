import { type EdgeVerifyKey, importEdgeVerifyKey, verifySessionTokenSync } from '../session/verify-sync';
import type { EdgeConfig } from './config';
import { readCookie } from './cookies';
import { type EdgeDecision, type EdgeRequest, sessionCode, unauthenticated } from './outcome';
import { SessionCache } from './session-cache';
import { normalizePath } from './uri';

export {
  DENY_MESSAGES,
  type DenyCode,
  type DenyReason,
  type EdgeDecision,
  type EdgeRequest,
  sessionCode,
  unauthenticated,
} from './outcome';

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
