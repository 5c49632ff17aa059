/**
 * Offline checks of a packaged CloudFormation template: every property against the CloudFormation
 * specification (via a small lookup the caller builds from @aws-cdk/aws-service-spec), and the
 * structural rules that make edge-auth safe. Each violation names its rule, so a broken template
 * fails with a message that says which promise it broke.
 */

import type { OriginAccess } from '../config/settings';
import { originAccessRules } from './rules/origin-access';
import { originSecretRule } from './rules/origin-secret';
import { responseHeadersRules } from './rules/response-headers';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

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
}

/** The spec's type language (a subset of @aws-cdk/service-spec-types' `PropertyType`). */
export type SpecType =
  | { type: 'string' | 'number' | 'integer' | 'boolean' | 'json' | 'date-time' | 'null' | 'tag' }
  | { type: 'array' | 'map'; element: SpecType }
  | { type: 'ref'; reference: { $ref: string } }
  | { type: 'union'; types: SpecType[] };

export interface SpecProperty {
  type: SpecType;
  required?: boolean;
  previousTypes?: SpecType[];
}

export interface SpecLookup {
  resource(
    cfnType: string,
  ): { properties: Record<string, SpecProperty>; attributes: Record<string, unknown> } | undefined;
  typeDefinition(id: string): { name: string; properties: Record<string, SpecProperty> } | undefined;
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `{ Ref }`, `{ Fn::X }` or `{ Condition }`: a value CloudFormation computes at deploy time. */
export function isIntrinsic(v: unknown): v is Obj {
  if (!isObj(v)) return false;
  const keys = Object.keys(v);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0]!.startsWith('Fn::') || keys[0] === 'Condition');
}

/** The branches an `Fn::If` may produce (skipping AWS::NoValue), or the value itself. */
function branches(v: Json): Json[] {
  if (isObj(v) && Array.isArray(v['Fn::If']) && v['Fn::If'].length === 3) {
    return v['Fn::If']
      .slice(1)
      .flatMap((b) => branches(b as Json))
      .filter((b) => !(isObj(b) && b.Ref === 'AWS::NoValue'));
  }
  return [v];
}

// ---------------------------------------------------------------------------------------------
// Specification checks
// ---------------------------------------------------------------------------------------------

function checkValue(spec: SpecLookup, type: SpecType, value: Json, where: string, out: Violation[]): void {
  for (const v of branches(value)) {
    if (isIntrinsic(v)) continue;
    switch (type.type) {
      case 'ref': {
        const def = spec.typeDefinition(type.reference.$ref);
        if (!def) return;
        if (!isObj(v)) {
          out.push({
            rule: 'spec/property-type',
            where,
            message: `${where} must be an object (${def.name})`,
          });
          return;
        }
        checkProperties(spec, def.properties, v, where, out);
        break;
      }
      case 'array':
        if (!Array.isArray(v)) {
          out.push({ rule: 'spec/property-type', where, message: `${where} must be a list` });
          return;
        }
        v.forEach((item, i) => {
          checkValue(spec, type.element, item, `${where}[${i}]`, out);
        });
        break;
      case 'map':
        if (!isObj(v)) {
          out.push({ rule: 'spec/property-type', where, message: `${where} must be a map` });
          return;
        }
        for (const [k, item] of Object.entries(v)) checkValue(spec, type.element, item, `${where}.${k}`, out);
        break;
      case 'union': {
        const ok = type.types.some((t) => {
          const trial: Violation[] = [];
          checkValue(spec, t, v, where, trial);
          return trial.length === 0;
        });
        if (!ok)
          out.push({
            rule: 'spec/property-type',
            where,
            message: `${where} matches none of its allowed types`,
          });
        break;
      }
      case 'string':
      case 'date-time':
        if (typeof v !== 'string' && typeof v !== 'number')
          out.push({ rule: 'spec/property-type', where, message: `${where} must be a string` });
        break;
      case 'number':
      case 'integer':
        // CloudFormation accepts numbers written as strings.
        if (typeof v !== 'number' && !(typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))))
          out.push({ rule: 'spec/property-type', where, message: `${where} must be a number` });
        break;
      case 'boolean':
        if (typeof v !== 'boolean' && v !== 'true' && v !== 'false')
          out.push({ rule: 'spec/property-type', where, message: `${where} must be a boolean` });
        break;
      case 'tag':
        if (!isObj(v) || !('Key' in v) || !('Value' in v))
          out.push({ rule: 'spec/property-type', where, message: `${where} must be a tag {Key, Value}` });
        break;
      default:
        break;
    }
  }
}

function checkProperties(
  spec: SpecLookup,
  props: Record<string, SpecProperty>,
  value: Obj,
  where: string,
  out: Violation[],
): void {
  for (const [name, v] of Object.entries(value)) {
    const prop = props[name];
    if (!prop) {
      out.push({
        rule: 'spec/unknown-property',
        where: `${where}.${name}`,
        message: `${where}.${name} is not in the CloudFormation specification`,
      });
      continue;
    }
    const types = [prop.type, ...(prop.previousTypes ?? [])];
    const trials = types.map((t) => {
      const trial: Violation[] = [];
      checkValue(spec, t, v, `${where}.${name}`, trial);
      return trial;
    });
    if (!trials.some((t) => t.length === 0)) out.push(...trials[0]!);
  }
  for (const [name, prop] of Object.entries(props)) {
    if (prop.required && !(name in value))
      out.push({
        rule: 'spec/required-property',
        where: `${where}.${name}`,
        message: `${where} lacks required property ${name}`,
      });
  }
}

function walkIntrinsics(value: unknown, visit: (v: Obj) => void): void {
  if (Array.isArray(value)) for (const v of value) walkIntrinsics(v, visit);
  else if (isObj(value)) {
    if (isIntrinsic(value)) visit(value);
    for (const v of Object.values(value)) walkIntrinsics(v, visit);
  }
}

const PSEUDO = new Set([
  'AWS::AccountId',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
  'AWS::NotificationARNs',
]);

/** Every resource, property, Ref and GetAtt of the template against the specification. */
export function checkAgainstSpec(template: Template, spec: SpecLookup): Violation[] {
  const out: Violation[] = [];
  for (const [id, resource] of Object.entries(template.Resources)) {
    const def = spec.resource(resource.Type);
    if (!def) {
      out.push({
        rule: 'spec/resource-type',
        where: id,
        message: `${id}: ${resource.Type} is not a CloudFormation resource type`,
      });
      continue;
    }
    checkProperties(spec, def.properties, resource.Properties ?? {}, id, out);
  }
  const sections = { Resources: template.Resources, Outputs: template.Outputs ?? {} };
  walkIntrinsics(sections, (v) => {
    if (typeof v.Ref === 'string' && !PSEUDO.has(v.Ref) && !template.Resources[v.Ref])
      out.push({ rule: 'template/ref-target', where: v.Ref, message: `Ref ${v.Ref} names no resource` });
    const getAtt = v['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string' && typeof getAtt[1] === 'string') {
      const target = template.Resources[getAtt[0]];
      const def = target && spec.resource(target.Type);
      if (!target)
        out.push({
          rule: 'template/ref-target',
          where: getAtt[0],
          message: `GetAtt ${getAtt[0]} names no resource`,
        });
      else if (def && !(getAtt[1] in def.attributes))
        out.push({
          rule: 'spec/getatt',
          where: getAtt.join('.'),
          message: `${target.Type} has no attribute ${getAtt[1]}`,
        });
    }
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Structural rules
// ---------------------------------------------------------------------------------------------

/** Managed policies whose settings we rely on. */
export const MANAGED = {
  cachingDisabled: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
  cachingOptimized: '658327ea-f89d-4fab-a63d-7e88639e58f6',
  allViewerExceptHostHeader: 'b689b0a8-53d0-40ab-baf2-68738e2966ac',
} as const;

/** Runtimes Lambda@Edge accepts (CloudFront Developer Guide, "Restrictions on Lambda@Edge"). */
export const EDGE_RUNTIMES = new Set([
  'nodejs22.x',
  'nodejs20.x',
  'nodejs18.x',
  'python3.13',
  'python3.12',
  'python3.11',
]);

export interface RuleOptions {
  mediaPathPattern: string;
  authPathPattern: string;
  /** Whether the stage binds cookies to IP addresses (then IPv6 must be off). */
  bindIp: boolean;
  /** How CloudFront reads the bucket (settings `originAccess`); `oai` when absent. */
  originAccess?: OriginAccess;
}

const refName = (v: unknown): string | undefined =>
  isObj(v) && typeof v.Ref === 'string' ? v.Ref : undefined;

function getAttOf(v: unknown): [string, string] | undefined {
  if (!isObj(v)) return undefined;
  const g = v['Fn::GetAtt'];
  return Array.isArray(g) && typeof g[0] === 'string' && typeof g[1] === 'string' ? [g[0], g[1]] : undefined;
}

/** True when `value` mentions resource `id` through Ref, GetAtt or Sub anywhere inside. */
function mentions(value: unknown, id: string): boolean {
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

/**
 * One structural rule: a name a failure carries, where the rule comes from (an AWS page, cited
 * through src/cloudfront/aws-rules.ts, or this project's design), and the check itself.
 */
export interface TemplateRule {
  name: string;
  source: string;
  check(template: Template, options: RuleOptions): Violation[];
}

/** Every structural rule, in the order failures are reported. */
export const STRUCTURE_RULES: TemplateRule[] = [
  {
    name: 'legacy/structure',
    source: 'edge-auth design (being split into named rules)',
    check: (template, options) => checkLegacyStructure(template, options),
  },
  originSecretRule,
  ...originAccessRules,
  ...responseHeadersRules,
];

export function checkStructure(template: Template, options: RuleOptions): Violation[] {
  return STRUCTURE_RULES.flatMap((rule) => rule.check(template, options));
}

function checkLegacyStructure(template: Template, options: RuleOptions): Violation[] {
  const out: Violation[] = [];
  const R = template.Resources;
  const fail = (rule: string, where: string, message: string) => out.push({ rule, where, message });
  const ofType = (type: string) => Object.entries(R).filter(([, r]) => r.Type === type);

  const distributions = ofType('AWS::CloudFront::Distribution');
  if (distributions.length !== 1) {
    fail('distribution/one', 'Resources', `expected exactly one distribution, found ${distributions.length}`);
    return out;
  }
  const [distId, dist] = distributions[0]!;
  const config = (dist.Properties?.DistributionConfig ?? {}) as Obj;
  const origins = (Array.isArray(config.Origins) ? config.Origins : []) as Obj[];
  const behaviors = (Array.isArray(config.CacheBehaviors) ? config.CacheBehaviors : []) as Obj[];
  const originById = (id: unknown) => origins.find((o) => o.Id === id);
  const where = (b: string) => `${distId}.${b}`;

  // The bucket(s) behind the distribution's S3 origins (not the framework's deployment bucket).
  const buckets = ofType('AWS::S3::Bucket').filter(([id]) =>
    origins.some((o) => o.S3OriginConfig !== undefined && mentions(o.DomainName, id)),
  );
  if (buckets.length === 0) fail('bucket/origin', distId, 'no S3 origin reads a bucket of this stack');
  const oais = ofType('AWS::CloudFront::CloudFrontOriginAccessIdentity');
  const oaiIds = new Set(oais.map(([id]) => id));
  for (const [id, bucket] of buckets) {
    const p = bucket.Properties ?? {};
    const bpa = p.PublicAccessBlockConfiguration as Obj | undefined;
    for (const flag of [
      'BlockPublicAcls',
      'BlockPublicPolicy',
      'IgnorePublicAcls',
      'RestrictPublicBuckets',
    ]) {
      if (bpa?.[flag] !== true)
        fail('bucket/block-public-access', id, `${id}: PublicAccessBlockConfiguration.${flag} must be true`);
    }
    if (!p.BucketEncryption)
      fail('bucket/encryption', id, `${id}: default encryption (BucketEncryption) is missing`);
    const rules = (p.OwnershipControls as Obj | undefined)?.Rules;
    if (!Array.isArray(rules) || !rules.some((r) => isObj(r) && r.ObjectOwnership === 'BucketOwnerEnforced'))
      fail('bucket/owner-enforced', id, `${id}: OwnershipControls must be BucketOwnerEnforced`);
    const policies = ofType('AWS::S3::BucketPolicy').filter(
      ([, bp]) => refName(bp.Properties?.Bucket) === id,
    );
    if (policies.length === 0) fail('bucket/policy-principal-oai', id, `${id} has no bucket policy`);
    for (const [pid, bp] of policies) {
      const statements = ((bp.Properties?.PolicyDocument as Obj)?.Statement ?? []) as Obj[];
      // With OAC the Allow statements name cloudfront.amazonaws.com: rule bucket/policy-principal-oac.
      const allows = statements.filter(
        (s) => s.Effect === 'Allow' && !(isObj(s.Principal) && s.Principal.Service !== undefined),
      );
      const usesOai = (options.originAccess ?? 'oai') !== 'oac';
      if (usesOai && allows.length === 0)
        fail('bucket/policy-principal-oai', pid, `${pid} grants the OAI nothing`);
      for (const s of allows) {
        const principal = s.Principal as Obj | undefined;
        const viaCanonical = getAttOf(principal?.CanonicalUser);
        const ok =
          (viaCanonical && oaiIds.has(viaCanonical[0]) && viaCanonical[1] === 'S3CanonicalUserId') ||
          (principal?.AWS !== undefined && [...oaiIds].some((o) => mentions(principal.AWS, o)));
        if (!ok)
          fail(
            'bucket/policy-principal-oai',
            pid,
            `${pid}: an Allow statement's principal is not the distribution's OAI`,
          );
        const actions = ([] as Json[]).concat(s.Action ?? []);
        if (actions.some((a) => a !== 's3:GetObject'))
          fail(
            'bucket/policy-principal-oai',
            pid,
            `${pid}: the OAI may only s3:GetObject (got ${actions.join(', ')})`,
          );
      }
      const denyTls = statements.some(
        (s) =>
          s.Effect === 'Deny' &&
          isObj(s.Condition) &&
          isObj(s.Condition.Bool) &&
          String(s.Condition.Bool['aws:SecureTransport']) === 'false',
      );
      if (!denyTls) fail('bucket/deny-insecure-transport', pid, `${pid} does not deny requests without TLS`);
    }
  }

  // /media/*
  const media = behaviors.find((b) => b.PathPattern === options.mediaPathPattern);
  if (!media)
    fail('media/behavior', where('CacheBehaviors'), `no cache behavior for ${options.mediaPathPattern}`);
  else {
    const groups = (Array.isArray(media.TrustedKeyGroups) ? media.TrustedKeyGroups : []).map(refName);
    const groupOk = groups.length > 0 && groups.every((g) => g && R[g]?.Type === 'AWS::CloudFront::KeyGroup');
    if (!groupOk)
      fail(
        'media/trusted-key-group',
        where(options.mediaPathPattern),
        `${options.mediaPathPattern} must trust a KeyGroup of this stack (TrustedKeyGroups)`,
      );
    for (const g of groups) {
      const items = ((R[g ?? '']?.Properties?.KeyGroupConfig as Obj | undefined)?.Items ?? []) as Json[];
      const keysOk =
        items.length >= 1 &&
        items.length <= 5 &&
        items.every((i) => R[refName(i) ?? '']?.Type === 'AWS::CloudFront::PublicKey');
      if (!keysOk)
        fail('media/trusted-key-group', g ?? '?', `${g} must hold 1 to 5 PublicKey resources of this stack`);
    }
    if (media.TrustedSigners)
      fail(
        'media/trusted-key-group',
        where(options.mediaPathPattern),
        'TrustedSigners (root key pairs) must not be used',
      );
    const origin = originById(media.TargetOriginId);
    const oai = (origin?.S3OriginConfig as Obj | undefined)?.OriginAccessIdentity;
    // With originAccess "oac" the origin reads through OAC instead: rule origin-access/variant.
    if ((options.originAccess ?? 'oai') !== 'oac' && (!origin || ![...oaiIds].some((o) => mentions(oai, o))))
      fail(
        'media/oai-origin',
        where(options.mediaPathPattern),
        `${options.mediaPathPattern} must target an S3 origin read through the stack's OAI`,
      );
    const policyId = media.CachePolicyId;
    const policyRef = refName(policyId);
    const cachePolicy = policyRef
      ? (R[policyRef]?.Properties?.CachePolicyConfig as Obj | undefined)
      : undefined;
    const params = cachePolicy?.ParametersInCacheKeyAndForwardedToOrigin as Obj | undefined;
    const cookieBehavior = (params?.CookiesConfig as Obj | undefined)?.CookieBehavior;
    const cookiesOut =
      policyId === MANAGED.cachingOptimized || (cachePolicy !== undefined && cookieBehavior === 'none');
    if (!cookiesOut || media.ForwardedValues || media.OriginRequestPolicyId)
      fail(
        'media/cookies-not-in-cache-key',
        where(options.mediaPathPattern),
        `${options.mediaPathPattern} must keep cookies out of the cache key and origin requests (cache policy CookieBehavior none, no origin request policy)`,
      );
    const assoc = (
      Array.isArray(media.LambdaFunctionAssociations) ? media.LambdaFunctionAssociations : []
    ) as Obj[];
    const viewer = assoc.find((a) => a.EventType === 'viewer-request');
    const versionId = refName(viewer?.LambdaFunctionARN);
    const version = versionId ? R[versionId] : undefined;
    if (!viewer || version?.Type !== 'AWS::Lambda::Version')
      fail(
        'media/edge-association',
        where(options.mediaPathPattern),
        `${options.mediaPathPattern} must run the edge function on viewer-request through a numbered version (AWS::Lambda::Version)`,
      );
    else {
      const fnId = refName(version.Properties?.FunctionName);
      const fn = fnId ? R[fnId] : undefined;
      if (fn?.Type !== 'AWS::Lambda::Function')
        fail(
          'media/edge-association',
          versionId!,
          `${versionId} is not a version of a function in this stack`,
        );
      else out.push(...checkEdgeFunction(fnId!, fn!.Properties ?? {}));
    }
    if (!['https-only', 'redirect-to-https'].includes(String(media.ViewerProtocolPolicy)))
      fail(
        'media/https',
        where(options.mediaPathPattern),
        `${options.mediaPathPattern} must not allow plain HTTP`,
      );
    const methods = new Set(([] as Json[]).concat(media.AllowedMethods ?? ['GET', 'HEAD']));
    if ([...methods].some((m) => !['GET', 'HEAD', 'OPTIONS'].includes(String(m))))
      fail(
        'media/read-only',
        where(options.mediaPathPattern),
        `${options.mediaPathPattern} allows only GET, HEAD (and OPTIONS)`,
      );
  }

  // /auth/*
  const auth = behaviors.find((b) => b.PathPattern === options.authPathPattern);
  if (!auth)
    fail('auth/behavior', where('CacheBehaviors'), `no cache behavior for ${options.authPathPattern}`);
  else {
    const origin = originById(auth.TargetOriginId);
    if (!origin?.CustomOriginConfig || !mentions(origin.DomainName, 'LoginLambdaFunctionUrl'))
      fail(
        'auth/function-url-origin',
        where(options.authPathPattern),
        `${options.authPathPattern} must target the login function URL as a custom origin`,
      );
    // The origin secret header: rule auth/origin-secret (src/deploy/rules/origin-secret.ts).
    if (auth.CachePolicyId !== MANAGED.cachingDisabled)
      fail(
        'auth/caching-disabled',
        where(options.authPathPattern),
        `${options.authPathPattern} must use Managed-CachingDisabled`,
      );
    if (auth.OriginRequestPolicyId !== MANAGED.allViewerExceptHostHeader)
      fail(
        'auth/forward-viewer',
        where(options.authPathPattern),
        `${options.authPathPattern} must forward cookies, query and headers except Host (Managed-AllViewerExceptHostHeader)`,
      );
    const methods = new Set(([] as Json[]).concat(auth.AllowedMethods ?? []));
    if (!['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'].every((m) => methods.has(m)))
      fail(
        'auth/all-methods',
        where(options.authPathPattern),
        `${options.authPathPattern} must allow all methods`,
      );
    const fa = (Array.isArray(auth.FunctionAssociations) ? auth.FunctionAssociations : []) as Obj[];
    const hostFn = fa.find((f) => f.EventType === 'viewer-request');
    const target = getAttOf(hostFn?.FunctionARN);
    if (!target || R[target[0]]?.Type !== 'AWS::CloudFront::Function')
      fail(
        'auth/viewer-host-function',
        where(options.authPathPattern),
        `${options.authPathPattern} must run the viewer-host CloudFront Function on viewer-request`,
      );
    if (!['https-only', 'redirect-to-https'].includes(String(auth.ViewerProtocolPolicy)))
      fail(
        'auth/https',
        where(options.authPathPattern),
        `${options.authPathPattern} must not allow plain HTTP`,
      );
  }

  // default behavior: pages, no signing, never the media prefix of the bucket root
  const def = config.DefaultCacheBehavior as Obj | undefined;
  if (!def) fail('default/pages', where('DefaultCacheBehavior'), 'the default behavior is missing');
  else {
    if (def.TrustedKeyGroups || def.TrustedSigners)
      fail(
        'default/pages',
        where('DefaultCacheBehavior'),
        'the default behavior (pages) must not require signed cookies',
      );
    if (def.LambdaFunctionAssociations)
      fail(
        'default/pages',
        where('DefaultCacheBehavior'),
        'the default behavior must not invoke the edge function',
      );
    const origin = originById(def.TargetOriginId);
    if (
      !origin ||
      typeof origin.OriginPath !== 'string' ||
      origin.OriginPath === '' ||
      origin.OriginPath === '/'
    )
      fail(
        'default/pages-origin-path',
        where('DefaultCacheBehavior'),
        'the default behavior must serve a bucket folder (OriginPath), so media is unreachable without signed cookies',
      );
  }

  if (config.HttpVersion !== 'http2and3') fail('distribution/http3', distId, 'HttpVersion must be http2and3');
  const ipv6 = config.IPV6Enabled === true || config.IPV6Enabled === 'true';
  if (ipv6 === options.bindIp)
    fail(
      'distribution/ipv6',
      distId,
      options.bindIp ? 'IPv6 must be off when cookies are bound to IP addresses' : 'IPv6 must be on',
    );

  // login function: reads exactly the SSM parameters its environment names
  const login = Object.entries(R).find(
    ([, r]) =>
      r.Type === 'AWS::Lambda::Function' && isObj((r.Properties?.Environment as Obj | undefined)?.Variables),
  );
  if (!login) fail('login/function', 'Resources', 'no login function with an environment');
  else {
    const [loginId, fn] = login;
    const vars = ((fn.Properties!.Environment as Obj).Variables ?? {}) as Obj;
    const names = Object.values(vars)
      .filter((v): v is string => typeof v === 'string' && v.startsWith('ssm:'))
      .map((v) => v.slice(4).replace(/^\//, ''))
      .sort();
    if (
      !refName(vars.EDGE_AUTH_CLOUDFRONT_KEY_PAIR_ID) ||
      R[refName(vars.EDGE_AUTH_CLOUDFRONT_KEY_PAIR_ID)!]?.Type !== 'AWS::CloudFront::PublicKey'
    )
      fail(
        'login/key-pair-id',
        loginId,
        'EDGE_AUTH_CLOUDFRONT_KEY_PAIR_ID must be the Ref of a PublicKey of this stack',
      );
    const roleId = getAttOf(fn.Properties?.Role)?.[0];
    const role = roleId ? R[roleId] : undefined;
    const statements = ((role?.Properties?.Policies ?? []) as Obj[]).flatMap(
      (p) => ((p.PolicyDocument as Obj)?.Statement ?? []) as Obj[],
    );
    const ssmResources = statements
      .filter((s) => ([] as Json[]).concat(s.Action ?? []).some((a) => String(a).startsWith('ssm:')))
      .flatMap((s) => ([] as Json[]).concat(s.Resource ?? []))
      .map((r) => {
        const sub = isObj(r) ? r['Fn::Sub'] : r;
        const m = typeof sub === 'string' ? /:parameter\/(.+)$/.exec(sub) : null;
        return m ? m[1]! : JSON.stringify(r);
      })
      .sort();
    if (JSON.stringify(ssmResources) !== JSON.stringify(names))
      fail(
        'login/ssm-exact',
        roleId ?? loginId,
        `the login role must read exactly ${names.join(', ')} (reads ${ssmResources.join(', ') || 'nothing'})`,
      );
    if (
      statements.some(
        (s) =>
          s.Effect === 'Allow' &&
          ([] as Json[]).concat(s.Resource ?? []).includes('*') &&
          ([] as Json[]).concat(s.Action ?? []).some((a) => String(a).startsWith('ssm:')),
      )
    )
      fail('login/ssm-exact', roleId ?? loginId, 'the login role must not read every SSM parameter');
  }

  for (const output of ['DistributionDomainName', 'MediaBucketName', 'SignInUrl', 'CloudFrontKeyPairId']) {
    if (!template.Outputs?.[output]) fail('outputs', output, `output ${output} is missing`);
  }
  return out;
}

/** The Lambda@Edge limits for a viewer-request function. */
export function checkEdgeFunction(id: string, p: Obj): Violation[] {
  const out: Violation[] = [];
  const fail = (rule: string, message: string) => out.push({ rule, where: id, message: `${id}: ${message}` });
  if (p.Environment !== undefined)
    fail('edge/no-environment', 'Lambda@Edge functions cannot have environment variables');
  if (p.Layers !== undefined) fail('edge/no-layers', 'Lambda@Edge functions cannot use layers');
  if (p.VpcConfig !== undefined) fail('edge/no-vpc', 'Lambda@Edge functions cannot run in a VPC');
  const memory = Number(p.MemorySize ?? 128);
  if (!(memory <= 128)) fail('edge/memory', `viewer-request functions get at most 128 MB (has ${memory})`);
  const timeout = Number(p.Timeout ?? 3);
  if (!(timeout <= 5))
    fail('edge/timeout', `viewer-request functions time out after at most 5 s (has ${timeout})`);
  const arch = p.Architectures;
  if (arch !== undefined && JSON.stringify(arch) !== '["x86_64"]')
    fail('edge/architecture', 'Lambda@Edge runs x86_64 only');
  if (typeof p.Runtime !== 'string' || !EDGE_RUNTIMES.has(p.Runtime))
    fail('edge/runtime', `runtime ${String(p.Runtime)} is not supported by Lambda@Edge`);
  if (p.PackageType === 'Image') fail('edge/runtime', 'Lambda@Edge does not run container images');
  return out;
}
