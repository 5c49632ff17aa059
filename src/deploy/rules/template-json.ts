import type { WafSettings } from '../../config/waf';
/**
 * Reading a CloudFormation template: JSON types, intrinsic functions, and the parts of the
 * distribution the structural rules look at. Shared by src/deploy/template-rules.ts and the rule
 * files under src/deploy/rules/.
 */

import type { OriginAccess } from '../../config/settings';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Obj = { [key: string]: Json };

export interface Template {
  Resources: Record<
    string,
    { Type: string; Properties?: Obj; Condition?: string; [key: string]: Json | undefined }
  >;
  Outputs?: Record<string, { Value: Json; [key: string]: Json }>;
  Conditions?: Obj;
  [key: string]: unknown;
}

export interface Violation {
  rule: string;
  where: string;
  message: string;
  /** Where the broken rule comes from (an AWS page or this project's design); set by checkStructure. */
  source?: string;
}

export interface RuleOptions {
  mediaPathPattern: string;
  authPathPattern: string;
  /** Whether the stage binds cookies to IP addresses (then IPv6 must be off). */
  bindIp: boolean;
  /** The stage's `waf` setting; when absent the rules that compare against it are skipped. */
  waf?: WafSettings;
  /** How CloudFront reads the bucket (settings `originAccess`); `oai` when absent. */
  originAccess?: OriginAccess;
  /** The stage's edge mode (settings edge.mode); default `lambda`. */
  edgeMode?: 'lambda' | 'function';
}

/**
 * One structural rule: a name a failure carries, where the rule comes from (an AWS page, cited
 * through src/cloudfront/aws-rules.ts, or this project's design), and the check itself.
 */
export interface TemplateRule {
  name: string;
  source: string;
  check(template: Template, options: RuleOptions): Violation[];
}

/** Managed policies whose settings we rely on. */
export const MANAGED = {
  cachingDisabled: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
  cachingOptimized: '658327ea-f89d-4fab-a63d-7e88639e58f6',
  allViewerExceptHostHeader: 'b689b0a8-53d0-40ab-baf2-68738e2966ac',
} as const;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `{ Ref }`, `{ Fn::X }` or `{ Condition }`: a value CloudFormation computes at deploy time. */
export function isIntrinsic(v: unknown): v is Obj {
  if (!isObj(v)) return false;
  const keys = Object.keys(v);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0]!.startsWith('Fn::') || keys[0] === 'Condition');
}

/** The branches an `Fn::If` may produce (skipping AWS::NoValue), or the value itself. */
export function branches(v: Json): Json[] {
  if (isObj(v) && Array.isArray(v['Fn::If']) && v['Fn::If'].length === 3) {
    return v['Fn::If']
      .slice(1)
      .flatMap((b) => branches(b as Json))
      .filter((b) => !(isObj(b) && b.Ref === 'AWS::NoValue'));
  }
  return [v];
}

export function walkIntrinsics(value: unknown, visit: (v: Obj) => void): void {
  if (Array.isArray(value)) for (const v of value) walkIntrinsics(v, visit);
  else if (isObj(value)) {
    if (isIntrinsic(value)) visit(value);
    for (const v of Object.values(value)) walkIntrinsics(v, visit);
  }
}

export const refName = (v: unknown): string | undefined =>
  isObj(v) && typeof v.Ref === 'string' ? v.Ref : undefined;

export function getAttOf(v: unknown): [string, string] | undefined {
  if (!isObj(v)) return undefined;
  const g = v['Fn::GetAtt'];
  return Array.isArray(g) && typeof g[0] === 'string' && typeof g[1] === 'string' ? [g[0], g[1]] : undefined;
}

/** True when `value` mentions resource `id` through Ref, GetAtt or Sub anywhere inside. */
export function mentions(value: unknown, id: string): boolean {
  let found = false;
  walkIntrinsics(value, (v) => {
    if (v.Ref === id) found = true;
    const g = getAttOf(v);
    if (g && g[0] === id) found = true;
    const sub = v['Fn::Sub'];
    if (typeof sub === 'string' && (sub.includes(`\${${id}}`) || sub.includes(`\${${id}.`))) found = true;
  });
  return found;
}

/** A list property as a list (absent or not a list: empty). */
export const listOf = <T = Obj>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);

/** Every resource of a type, as `[id, resource]`. */
export const ofType = (template: Template, type: string) =>
  Object.entries(template.Resources).filter(([, r]) => r.Type === type);

/** The one distribution of the stack and the parts the rules read; undefined when not exactly one. */
export interface DistributionView {
  id: string;
  config: Obj;
  origins: Obj[];
  behaviors: Obj[];
  originById(id: unknown): Obj | undefined;
  behavior(pattern: string): Obj | undefined;
  /** `<distribution id>.<part>`, for a violation's `where`. */
  where(part: string): string;
}

export function distributionOf(template: Template): DistributionView | undefined {
  const distributions = ofType(template, 'AWS::CloudFront::Distribution');
  if (distributions.length !== 1) return undefined;
  const [id, dist] = distributions[0]!;
  const config = (dist.Properties?.DistributionConfig ?? {}) as Obj;
  const origins = listOf(config.Origins);
  const behaviors = listOf(config.CacheBehaviors);
  return {
    id,
    config,
    origins,
    behaviors,
    originById: (originId) => origins.find((o) => o.Id === originId),
    behavior: (pattern) => behaviors.find((b) => b.PathPattern === pattern),
    where: (part) => `${id}.${part}`,
  };
}

/** The bucket(s) behind the distribution's S3 origins (not the framework's deployment bucket). */
export function originBuckets(template: Template, d: DistributionView) {
  return ofType(template, 'AWS::S3::Bucket').filter(([id]) =>
    d.origins.some((o) => o.S3OriginConfig !== undefined && mentions(o.DomainName, id)),
  );
}

/** The Lambda functions (id, properties) associated with any cache behavior of the distribution. */
export function edgeLambdas(template: Template, d: DistributionView): [id: string, props: Obj][] {
  const R = template.Resources;
  const found = new Map<string, Obj>();
  const all = [d.config.DefaultCacheBehavior, ...d.behaviors].filter(isObj);
  for (const b of all) {
    for (const a of listOf(b.LambdaFunctionAssociations)) {
      const versionId = refName(a.LambdaFunctionARN);
      const version = versionId ? R[versionId] : undefined;
      const fnId =
        version?.Type === 'AWS::Lambda::Version'
          ? refName(version.Properties?.FunctionName)
          : getAttOf(a.LambdaFunctionARN)?.[0];
      const fn = fnId ? R[fnId] : undefined;
      if (fnId && fn?.Type === 'AWS::Lambda::Function') found.set(fnId, fn.Properties ?? {});
    }
  }
  return [...found];
}

/** Builds a rule from a name, a source and a check that reports `(where, message)` pairs. */
export function defineRule(
  name: string,
  source: string,
  check: (template: Template, options: RuleOptions, fail: (where: string, message: string) => void) => void,
): TemplateRule {
  return {
    name,
    source,
    check(template, options) {
      const out: Violation[] = [];
      check(template, options, (where, message) => out.push({ rule: name, where, message }));
      return out;
    },
  };
}

/** The distribution and its behavior for `pathPattern`, or nothing (its `…/behavior` rule reports that). */
export function behaviorOf(template: Template, pathPattern: string) {
  const d = distributionOf(template);
  const behavior = d?.behavior(pathPattern);
  return d && behavior ? { d, behavior, where: d.where(pathPattern) } : undefined;
}

export type BehaviorView = NonNullable<ReturnType<typeof behaviorOf>>;

/** Rules that run only when the behavior for `pattern(options)` exists. */
export const behaviorRules =
  (pattern: (options: RuleOptions) => string) =>
  (
    name: string,
    source: string,
    check: (
      b: BehaviorView,
      template: Template,
      options: RuleOptions,
      fail: (where: string, message: string) => void,
    ) => void,
  ): TemplateRule =>
    defineRule(name, source, (template, options, fail) => {
      const b = behaviorOf(template, pattern(options));
      if (b) check(b, template, options, fail);
    });
