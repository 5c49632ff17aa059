import type { WafSettings } from '../config/waf';
import { RATE_LIMITED_BODY } from '../config/waf';

/**
 * The local edge's stand-in for the web ACL's sign-in rate rule (src/deploy/waf.ts), from the same
 * `waf` settings: POSTs to `<authPrefix>login` and `<authPrefix>refresh` (exact paths, as the rule's
 * byte matches with no transformation) are counted per viewer IP over the trailing evaluation
 * window; past `signInRateLimit` the request is answered 429 with the web ACL's body and
 * Retry-After. Refused requests count too, so a client that keeps hammering stays refused.
 * AWS applies the limit "near" the setting and checks periodically (aws-rules
 * waf/evaluation-windows); this one is exact.
 */
export interface RateLimiter {
  /** undefined to let the request through, or the 429 to answer (time in epoch ms). */
  check(method: string, path: string, ip: string, now: number): RateLimitedResponse | undefined;
}

export interface RateLimitedResponse {
  status: 429;
  headers: Array<[string, string]>;
  body: Buffer;
}

/** Past this many tracked addresses the oldest is forgotten (a laptop, not a botnet target). */
const MAX_TRACKED = 10_000;

export function createRateLimiter(waf: WafSettings, authPrefix: string): RateLimiter {
  const windowMs = waf.evaluationWindowSeconds * 1000;
  const paths = new Set([`${authPrefix}login`, `${authPrefix}refresh`]);
  const hits = new Map<string, number[]>();
  const response: RateLimitedResponse = {
    status: 429,
    headers: [
      ['content-type', 'application/json'],
      ['retry-after', String(waf.evaluationWindowSeconds)],
      ['cache-control', 'no-store'],
    ],
    body: Buffer.from(RATE_LIMITED_BODY),
  };
  return {
    check(method, path, ip, now) {
      if (!waf.enabled || method !== 'POST' || !paths.has(path)) return undefined;
      const recent = (hits.get(ip) ?? []).filter((t) => now - t < windowMs);
      recent.push(now);
      hits.delete(ip);
      hits.set(ip, recent);
      if (hits.size > MAX_TRACKED) hits.delete(hits.keys().next().value as string);
      return recent.length > waf.signInRateLimit ? response : undefined;
    },
  };
}
