import type { Settings } from '../config/settings';
import { RATE_LIMITED_BODY } from '../config/waf';

/** The custom response body key the rate rule's 429 refers to (pattern ^[\w\-]+$). */
export const RATE_LIMITED_BODY_KEY = 'rate-limited';
export const SIGN_IN_RATE_RULE = 'sign-in-rate-limit';

const visibility = (name: string) => ({
  SampledRequestsEnabled: true,
  CloudWatchMetricsEnabled: true,
  MetricName: `edge-auth-${name}`,
});

const byteMatch = (field: 'UriPath' | 'Method', value: string) => ({
  ByteMatchStatement: {
    SearchString: value,
    FieldToMatch: { [field]: {} },
    TextTransformations: [{ Priority: 0, Type: 'NONE' }],
    PositionalConstraint: 'EXACTLY',
  },
});

/** The sign-in and refresh POSTs: what the rate rule counts. */
export function signInScope(settings: Pick<Settings, 'authPrefix'>) {
  return {
    AndStatement: {
      Statements: [
        byteMatch('Method', 'POST'),
        {
          OrStatement: {
            Statements: [
              byteMatch('UriPath', `${settings.authPrefix}login`),
              byteMatch('UriPath', `${settings.authPrefix}refresh`),
            ],
          },
        },
      ],
    },
  };
}

/**
 * The web ACL's rules for a stage: a rate-based rule on sign-in and refresh POSTs per viewer IP
 * that answers 429 with Retry-After (a custom response), then the managed rule groups.
 */
export function wafRules(settings: Pick<Settings, 'authPrefix' | 'waf'>): unknown[] {
  const w = settings.waf;
  const rules: unknown[] = [
    {
      Name: SIGN_IN_RATE_RULE,
      Priority: 0,
      Statement: {
        RateBasedStatement: {
          Limit: w.signInRateLimit,
          EvaluationWindowSec: w.evaluationWindowSeconds,
          AggregateKeyType: 'IP',
          ScopeDownStatement: signInScope(settings),
        },
      },
      Action: {
        Block: {
          CustomResponse: {
            ResponseCode: 429,
            CustomResponseBodyKey: RATE_LIMITED_BODY_KEY,
            // Static (WAF cannot compute it): the whole window, the longest wait there can be.
            ResponseHeaders: [{ Name: 'retry-after', Value: String(w.evaluationWindowSeconds) }],
          },
        },
      },
      VisibilityConfig: visibility(SIGN_IN_RATE_RULE),
    },
  ];
  w.managedRuleGroups.forEach((name, i) => {
    const statement: Record<string, unknown> = { VendorName: 'AWS', Name: name };
    if (name === 'AWSManagedRulesCommonRuleSet') {
      // The core rule set's body rules would judge passwords (arbitrary text): not on /auth/*.
      statement.ScopeDownStatement = {
        NotStatement: {
          Statement: {
            ByteMatchStatement: {
              SearchString: settings.authPrefix,
              FieldToMatch: { UriPath: {} },
              TextTransformations: [{ Priority: 0, Type: 'NONE' }],
              PositionalConstraint: 'STARTS_WITH',
            },
          },
        },
      };
    }
    rules.push({
      Name: name,
      Priority: i + 1,
      Statement: { ManagedRuleGroupStatement: statement },
      OverrideAction: { None: {} },
      VisibilityConfig: visibility(name),
    });
  });
  return rules;
}

export function wafResponseBodies(): Record<string, { ContentType: string; Content: string }> {
  return { [RATE_LIMITED_BODY_KEY]: { ContentType: 'APPLICATION_JSON', Content: RATE_LIMITED_BODY } };
}
