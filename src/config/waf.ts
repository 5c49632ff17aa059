import { WAF_CRS_BODY_LIMIT, WAF_EVALUATION_WINDOWS, WAF_RATE_LIMIT_MIN } from '../cloudfront/aws-rules';

/**
 * The stage setting `waf`: AWS WAF in front of the distribution. The deployed web ACL
 * (src/deploy/waf.ts → serverless.yml) and the local edge's stand-in (src/local/rate-limit.ts)
 * read the same values, so the local 429 is the one a viewer would get from CloudFront.
 */
export interface WafSettings {
  enabled: boolean;
  /** Sign-in and refresh POSTs allowed per viewer IP within the window (AWS minimum: 10). */
  signInRateLimit: number;
  /** How far back the count looks, in seconds: 60, 120, 300 or 600. */
  evaluationWindowSeconds: number;
  /** AWS managed rule groups to add (baseline groups, no subscription fee). */
  managedRuleGroups: string[];
}

/** The managed rule groups this project knows how to place (and why each fits). */
export const KNOWN_MANAGED_RULE_GROUPS = [
  // Baseline protection (XSS, LFI, bad bots, oversized bodies …), scoped away from the sign-in
  // body (see aws-rules waf/crs-body-size).
  'AWSManagedRulesCommonRuleSet',
  // Request patterns known to be malicious (Log4j, Java deserialization, localhost Host …).
  'AWSManagedRulesKnownBadInputsRuleSet',
] as const;

/** The 429 body both the web ACL and the local edge send (JSON, as the sign-in page expects). */
export const RATE_LIMITED_BODY = JSON.stringify({
  error: {
    code: 'ERR_RATE_LIMITED',
    message: 'Too many sign-in attempts from this address. Wait, then try again.',
  },
});

/** Checks a `waf` setting; returns the first problem as `[field, why]`. */
export function wafProblem(w: unknown): [string, string] | undefined {
  if (typeof w !== 'object' || w === null) return ['waf', 'must be an object'];
  const o = w as Partial<WafSettings>;
  if (typeof o.enabled !== 'boolean') return ['waf.enabled', 'must be true or false'];
  if (!Number.isInteger(o.signInRateLimit) || (o.signInRateLimit as number) < WAF_RATE_LIMIT_MIN.value)
    return [
      'waf.signInRateLimit',
      `must be a whole number of at least ${WAF_RATE_LIMIT_MIN.value} (AWS WAF's lowest rate limit)`,
    ];
  if (!WAF_EVALUATION_WINDOWS.value.includes(o.evaluationWindowSeconds as number))
    return ['waf.evaluationWindowSeconds', `must be one of ${WAF_EVALUATION_WINDOWS.value.join(', ')}`];
  if (
    !Array.isArray(o.managedRuleGroups) ||
    o.managedRuleGroups.some((g) => !(KNOWN_MANAGED_RULE_GROUPS as readonly string[]).includes(g))
  )
    return ['waf.managedRuleGroups', `must list only ${KNOWN_MANAGED_RULE_GROUPS.join(', ')}`];
  return undefined;
}

/** Sign-in bodies stay within what the core rule set lets through (kept in step by a test). */
export const CRS_BODY_LIMIT = WAF_CRS_BODY_LIMIT.value;
