import type { Template } from '../../src/deploy/template-rules';

// Mutations that break one WAF template rule each (issue 9, finding 3); run by template.test.ts.
// biome-ignore lint/suspicious/noExplicitAny: mutations reach deep into the template on purpose.
type Obj = Record<string, any>;
const acl = (t: Template): Obj => {
  const id = Object.keys(t.Resources).find((k) => t.Resources[k]!.Type === 'AWS::WAFv2::WebACL')!;
  return t.Resources[id]!.Properties as Obj;
};
const rule = (t: Template, name: string): Obj => acl(t).Rules.find((r: Obj) => r.Name === name);
const rate = (t: Template): Obj => rule(t, 'sign-in-rate-limit').Statement.RateBasedStatement;
const dist = (t: Template): Obj =>
  (Object.values(t.Resources).find((r) => r.Type === 'AWS::CloudFront::Distribution')!.Properties as Obj)
    .DistributionConfig;

export const WAF_BREAKS: [rule: string, how: string, mutate: (t: Template) => void][] = [
  [
    'waf/stage-setting',
    'the web ACL of a stage with waf.enabled removed',
    (t) => {
      for (const id of Object.keys(t.Resources))
        if (t.Resources[id]!.Type === 'AWS::WAFv2::WebACL') delete t.Resources[id];
    },
  ],
  [
    'waf/cloudfront-scope',
    'Scope REGIONAL',
    (t) => {
      acl(t).Scope = 'REGIONAL';
    },
  ],
  [
    'waf/distribution-web-acl',
    'WebACLId as a Ref (a WAFv2 Ref is not an ARN)',
    (t) => {
      dist(t).WebACLId = { Ref: 'EdgeAuthWebAcl' };
    },
  ],
  ['waf/distribution-web-acl', 'no WebACLId', (t) => void delete dist(t).WebACLId],
  [
    'waf/sign-in-rate-limit',
    'limit 5, below the minimum 10',
    (t) => {
      rate(t).Limit = 5;
    },
  ],
  [
    'waf/sign-in-rate-limit',
    'a 90-second window',
    (t) => {
      rate(t).EvaluationWindowSec = 90;
    },
  ],
  [
    'waf/sign-in-rate-limit',
    'refresh left out of the scope-down statement',
    (t) => {
      const or = rate(t).ScopeDownStatement.AndStatement.Statements[1].OrStatement;
      or.Statements = or.Statements.slice(0, 1);
    },
  ],
  [
    'waf/rate-limit-response',
    '403 instead of 429',
    (t) => {
      rule(t, 'sign-in-rate-limit').Action.Block.CustomResponse.ResponseCode = 403;
    },
  ],
  [
    'waf/rate-limit-response',
    'no Retry-After',
    (t) => {
      rule(t, 'sign-in-rate-limit').Action.Block.CustomResponse.ResponseHeaders = [];
    },
  ],
  [
    'waf/managed-rule-groups',
    'the known-bad-inputs group removed',
    (t) => {
      acl(t).Rules = acl(t).Rules.filter((r: Obj) => r.Name !== 'AWSManagedRulesKnownBadInputsRuleSet');
    },
  ],
  [
    'waf/managed-rule-groups',
    'the core rule set judging the sign-in body',
    (t) =>
      void delete rule(t, 'AWSManagedRulesCommonRuleSet').Statement.ManagedRuleGroupStatement
        .ScopeDownStatement,
  ],
];
