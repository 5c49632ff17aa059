/** Structural rules for AWS WAF on the distribution (stage setting `waf`, issue 9). */
import {
  citeRule,
  WAF_CLOUDFRONT_SCOPE,
  WAF_CUSTOM_RESPONSE,
  WAF_EVALUATION_WINDOWS,
  WAF_RATE_LIMIT_MIN,
  WAF_WEB_ACL_ID_IS_ARN,
} from '../../cloudfront/aws-rules';
import {
  branches,
  defineRule,
  distributionOf,
  getAttOf,
  isObj,
  type Json,
  listOf,
  type Obj,
  ofType,
  type RuleOptions,
  type Template,
  type TemplateRule,
} from './template-json';

const DESIGN = 'edge-auth design: sign-in resists password guessing (stage setting waf, docs/deploy.md)';

const webAcls = (t: Template) => ofType(t, 'AWS::WAFv2::WebACL');
const authPrefix = (o: RuleOptions) => o.authPathPattern.replace(/\*$/, '');

/** The rate-based rules of a web ACL, with their statement. */
function rateRules(acl: Obj): Array<{ rule: Obj; rate: Obj }> {
  return listOf((acl.Properties as Obj | undefined)?.Rules)
    .map((rule) => ({ rule, rate: (rule.Statement as Obj | undefined)?.RateBasedStatement as Obj }))
    .filter((r) => isObj(r.rate));
}

/** Every ByteMatch search string inside a statement tree, with the field it looks at. */
function byteMatches(statement: unknown): Array<{ field: string; value: string; position: string }> {
  const out: Array<{ field: string; value: string; position: string }> = [];
  const walk = (s: unknown) => {
    if (Array.isArray(s)) s.forEach(walk);
    else if (isObj(s)) {
      const bm = s.ByteMatchStatement;
      if (isObj(bm) && isObj(bm.FieldToMatch))
        out.push({
          field: Object.keys(bm.FieldToMatch)[0] ?? '',
          value: String(bm.SearchString),
          position: String(bm.PositionalConstraint),
        });
      for (const v of Object.values(s)) walk(v);
    }
  };
  walk(statement);
  return out;
}

/** The rate rule that counts sign-in and refresh POSTs, if any. */
function signInRateRule(acl: Obj, o: RuleOptions) {
  const prefix = authPrefix(o);
  return rateRules(acl).find(({ rate }) => {
    const matches = byteMatches(rate.ScopeDownStatement);
    const has = (field: string, value: string) => matches.some((m) => m.field === field && m.value === value);
    return has('Method', 'POST') && has('UriPath', `${prefix}login`) && has('UriPath', `${prefix}refresh`);
  });
}

export const WAF_RULES: TemplateRule[] = [
  defineRule('waf/stage-setting', DESIGN, (template, options, fail) => {
    if (options.waf === undefined) return;
    const count = webAcls(template).length;
    if (options.waf.enabled && count !== 1)
      fail(
        'Resources',
        `waf.enabled is true for this stage: the stack needs one AWS::WAFv2::WebACL, found ${count}`,
      );
    if (!options.waf.enabled && count !== 0)
      fail('Resources', `waf.enabled is false for this stage, but the stack has ${count} web ACL(s)`);
  }),
  defineRule('waf/cloudfront-scope', citeRule(WAF_CLOUDFRONT_SCOPE), (template, _options, fail) => {
    for (const [id, acl] of webAcls(template)) {
      if ((acl.Properties as Obj | undefined)?.Scope !== WAF_CLOUDFRONT_SCOPE.value.scope)
        fail(
          `${id}.Scope`,
          `a web ACL for a distribution must have Scope ${WAF_CLOUDFRONT_SCOPE.value.scope}`,
        );
    }
  }),
  defineRule('waf/distribution-web-acl', citeRule(WAF_WEB_ACL_ID_IS_ARN), (template, _options, fail) => {
    const d = distributionOf(template);
    const acls = webAcls(template);
    if (!d || acls.length === 0) return;
    const ids = acls.map(([id]) => id);
    const value = d.config.WebACLId as Json | undefined;
    const ok =
      value !== undefined &&
      branches(value).length > 0 &&
      branches(value).every((b) => {
        const g = getAttOf(b);
        return g !== undefined && ids.includes(g[0]) && g[1] === 'Arn';
      });
    if (!ok)
      fail(
        d.where('WebACLId'),
        `WebACLId must be the web ACL's ARN (Fn::GetAtt ${ids[0]}.Arn): a WAFv2 Ref is not an ARN, and a web ACL not named here protects nothing`,
      );
  }),
  defineRule(
    'waf/sign-in-rate-limit',
    `${citeRule(WAF_RATE_LIMIT_MIN)}; ${citeRule(WAF_EVALUATION_WINDOWS)}`,
    (template, options, fail) => {
      for (const [id, acl] of webAcls(template)) {
        const found = signInRateRule(acl as Obj, options);
        if (!found) {
          fail(
            `${id}.Rules`,
            `no rate-based rule scoped to POST ${authPrefix(options)}login and ${authPrefix(options)}refresh`,
          );
          continue;
        }
        const { rate } = found;
        const limit = rate.Limit as number;
        if (!Number.isInteger(limit) || limit < WAF_RATE_LIMIT_MIN.value)
          fail(
            `${id}.Rules`,
            `the rate limit ${String(limit)} is below AWS WAF's minimum ${WAF_RATE_LIMIT_MIN.value}`,
          );
        if (!WAF_EVALUATION_WINDOWS.value.includes(rate.EvaluationWindowSec as number))
          fail(
            `${id}.Rules`,
            `EvaluationWindowSec must be one of ${WAF_EVALUATION_WINDOWS.value.join(', ')}`,
          );
        if (rate.AggregateKeyType !== 'IP')
          fail(`${id}.Rules`, 'the sign-in rate limit must count per viewer IP');
        if (
          options.waf &&
          (limit !== options.waf.signInRateLimit ||
            rate.EvaluationWindowSec !== options.waf.evaluationWindowSeconds)
        )
          fail(
            `${id}.Rules`,
            'the rate rule must use the stage settings waf.signInRateLimit and waf.evaluationWindowSeconds',
          );
      }
    },
  ),
  defineRule('waf/rate-limit-response', citeRule(WAF_CUSTOM_RESPONSE), (template, options, fail) => {
    for (const [id, acl] of webAcls(template)) {
      const found = signInRateRule(acl as Obj, options);
      if (!found) continue;
      const response = ((found.rule.Action as Obj | undefined)?.Block as Obj | undefined)?.CustomResponse as
        | Obj
        | undefined;
      const headers = listOf(response?.ResponseHeaders);
      const bodies = ((acl.Properties as Obj).CustomResponseBodies ?? {}) as Obj;
      const key = response?.CustomResponseBodyKey;
      if (
        response?.ResponseCode !== 429 ||
        !headers.some(
          (h) => String(h.Name).toLowerCase() === 'retry-after' && /^\d+$/.test(String(h.Value)),
        ) ||
        headers.some((h) => String(h.Name).toLowerCase() === WAF_CUSTOM_RESPONSE.value.forbiddenHeader) ||
        typeof key !== 'string' ||
        !isObj(bodies[key])
      )
        fail(
          `${id}.Rules`,
          'the sign-in rate rule must block with a custom 429 response, a numeric Retry-After header and a defined response body',
        );
    }
  }),
  defineRule('waf/managed-rule-groups', DESIGN, (template, options, fail) => {
    for (const [id, acl] of webAcls(template)) {
      const groups = listOf((acl.Properties as Obj | undefined)?.Rules).flatMap((rule) => {
        const m = (rule.Statement as Obj | undefined)?.ManagedRuleGroupStatement;
        return isObj(m) ? [{ rule, m }] : [];
      });
      for (const name of options.waf?.managedRuleGroups ?? []) {
        const g = groups.find((x) => x.m.VendorName === 'AWS' && x.m.Name === name);
        if (!g || !isObj((g.rule.OverrideAction as Obj | undefined)?.None))
          fail(
            `${id}.Rules`,
            `the managed rule group ${name} must be in the web ACL, with its own actions (OverrideAction None)`,
          );
      }
      const crs = groups.find((x) => x.m.Name === 'AWSManagedRulesCommonRuleSet');
      if (crs) {
        const not = (crs.m.ScopeDownStatement as Obj | undefined)?.NotStatement;
        const excluded = byteMatches(not).some(
          (b) => b.field === 'UriPath' && b.value === authPrefix(options) && b.position === 'STARTS_WITH',
        );
        if (!excluded)
          fail(
            `${id}.Rules`,
            `the core rule set must be scoped away from ${authPrefix(options)} (its body rules would judge passwords)`,
          );
      }
    }
  }),
];
