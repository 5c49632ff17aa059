import type { TokenFailure } from '../session/token';
import type { EdgeConfig } from './config';
import type { PathProblem } from './uri';

/**
 * What both edge modes decide and answer: the request shape, the outcomes, the public denial
 * codes and messages, and the sign-in redirect. Written in the subset of JavaScript the CloudFront
 * Functions runtime 2.0 runs, because the `function` mode bundles it (scripts/build-function.ts).
 */

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
  | 'ERR_EDGE_INTERNAL'
  /** `function` mode: the session is listed as revoked in the KeyValueStore (`rs:<sid>`, `ru:<sub>`). */
  | 'ERR_SESSION_REVOKED';

export type DenyReason =
  | 'no-session'
  | TokenFailure
  | PathProblem
  | 'outside-grants'
  | 'internal-error'
  | 'revoked';

export type EdgeDecision =
  | { kind: 'allow'; sub: string }
  | { kind: 'deny'; status: 401 | 403; code: DenyCode; reason: DenyReason }
  | { kind: 'redirect'; location: string; code: DenyCode; reason: DenyReason };

export const DENY_MESSAGES: Record<DenyCode, string> = {
  ERR_NO_SESSION: 'Sign in to access this content.',
  ERR_SESSION_INVALID: 'Your session is not valid. Sign in again.',
  ERR_SESSION_EXPIRED: 'Your session has expired. Sign in again.',
  ERR_PATH_REJECTED: 'This path is not allowed.',
  ERR_NOT_GRANTED: 'Your account has no access to this content.',
  ERR_EDGE_INTERNAL: 'Access could not be checked.',
  ERR_SESSION_REVOKED: 'This session was signed out. Sign in again.',
};

export function sessionCode(reason: TokenFailure): DenyCode {
  return reason === 'expired' ? 'ERR_SESSION_EXPIRED' : 'ERR_SESSION_INVALID';
}

function isNavigation(req: EdgeRequest): boolean {
  return (req.method === 'GET' || req.method === 'HEAD') && (req.accept || '').indexOf('text/html') !== -1;
}

/** 401s become a redirect to sign-in for page loads; players and fetches get the JSON 401. */
export function unauthenticated(
  req: EdgeRequest,
  config: Pick<EdgeConfig, 'signInPath'>,
  code: DenyCode,
  reason: DenyReason,
): EdgeDecision {
  if (isNavigation(req)) {
    // `req.uri` passed normalizePath: a local absolute path without `//` or `\`, so a safe `next`.
    const next = req.querystring ? `${req.uri}?${req.querystring}` : req.uri;
    const sep = config.signInPath.indexOf('?') !== -1 ? '&' : '?';
    return {
      kind: 'redirect',
      location: `${config.signInPath}${sep}next=${encodeURIComponent(next)}`,
      code,
      reason,
    };
  }
  return { kind: 'deny', status: 401, code, reason };
}
