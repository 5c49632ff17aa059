import { citeRule, OAC_BUCKET_POLICY, OAC_ORIGIN } from '../../cloudfront/aws-rules';
import type { Json, Template, TemplateRule, Violation } from '../template-rules';
import { distributionOf, getAttOf, isObj, list, type Obj, refName, resourcesOfType } from './read-template';

const bucketOrigins = (template: Template): Obj[] =>
  (distributionOf(template)?.origins ?? []).filter((o) => o.S3OriginConfig !== undefined);

const isNoValue = (v: unknown) => isObj(v) && v.Ref === 'AWS::NoValue';

/**
 * `origin-access/variant`: the stage has exactly the bucket access it asked for. `oai` and `oai+oac`
 * read through the OAI (no OAC on the origins); `oac` reads through an OAC for S3 that always signs
 * with SigV4, with the empty OriginAccessIdentity AWS asks for, and no OAI left in the stack.
 */
const variantRule: TemplateRule = {
  name: 'origin-access/variant',
  source: citeRule(OAC_ORIGIN),
  check(template, options) {
    const out: Violation[] = [];
    const access = options.originAccess ?? 'oai';
    const fail = (where: string, message: string) =>
      out.push({ rule: 'origin-access/variant', where, message });
    const oais = resourcesOfType(template, 'AWS::CloudFront::CloudFrontOriginAccessIdentity');
    const oacs = resourcesOfType(template, 'AWS::CloudFront::OriginAccessControl');
    const origins = bucketOrigins(template);
    if (access === 'oai' && oacs.length > 0)
      fail(oacs[0]![0], `originAccess "oai": the stack must not create an origin access control`);
    if (access !== 'oai') {
      if (oacs.length !== 1)
        fail('Resources', `originAccess "${access}" needs exactly one OriginAccessControl`);
      for (const [id, oac] of oacs) {
        const c = (oac.Properties?.OriginAccessControlConfig ?? {}) as Obj;
        if (
          c.OriginAccessControlOriginType !== OAC_ORIGIN.value.originType ||
          c.SigningProtocol !== OAC_ORIGIN.value.signingProtocol ||
          c.SigningBehavior !== 'always'
        )
          fail(id, `${id} must be an S3 origin access control that always signs with SigV4`);
      }
    }
    if (access === 'oac' && oais.length > 0)
      fail(
        oais[0]![0],
        'originAccess "oac": the origin access identity must be gone (the origins no longer use it)',
      );
    for (const origin of origins) {
      const where = `origin ${String(origin.Id)}`;
      const oai = (origin.S3OriginConfig as Obj).OriginAccessIdentity;
      const oacId = origin.OriginAccessControlId;
      if (access === 'oac') {
        const target = getAttOf(oacId);
        if (oai !== OAC_ORIGIN.value.originAccessIdentity)
          fail(where, `${where}: with OAC, S3OriginConfig.OriginAccessIdentity must be '' (empty)`);
        const oacType = target && target[1] === 'Id' ? template.Resources[target[0]]?.Type : undefined;
        if (oacType !== 'AWS::CloudFront::OriginAccessControl')
          fail(where, `${where}: OriginAccessControlId must be the Id of this stack's OriginAccessControl`);
      } else {
        if (oacId !== undefined && !isNoValue(oacId))
          fail(where, `${where}: originAccess "${access}" reads through the OAI, not an OAC`);
        if (typeof oai !== 'object' || oai === null)
          fail(where, `${where}: originAccess "${access}" needs the stack's OAI on every bucket origin`);
      }
    }
    return out;
  },
};

/**
 * `bucket/policy-principal-oac`: with OAC (`oac`, `oai+oac`) the bucket policy admits
 * `cloudfront.amazonaws.com` for s3:GetObject only, conditioned on this distribution's ARN; with
 * `oai` no statement names the service principal at all.
 */
const policyRule: TemplateRule = {
  name: 'bucket/policy-principal-oac',
  source: citeRule(OAC_BUCKET_POLICY),
  check(template, options) {
    const out: Violation[] = [];
    const access = options.originAccess ?? 'oai';
    const dist = distributionOf(template);
    for (const [pid, bp] of resourcesOfType(template, 'AWS::S3::BucketPolicy')) {
      const bucket = refName(bp.Properties?.Bucket);
      if (
        !bucket ||
        !bucketOrigins(template).some((o) => JSON.stringify(o.DomainName).includes(`"${bucket}"`))
      )
        continue;
      const fail = (message: string) =>
        out.push({ rule: 'bucket/policy-principal-oac', where: pid, message });
      const statements = list((bp.Properties?.PolicyDocument as Obj | undefined)?.Statement).filter(isObj);
      const service = statements.filter(
        (s) =>
          s.Effect === 'Allow' &&
          isObj(s.Principal) &&
          list(s.Principal.Service).includes(OAC_BUCKET_POLICY.value.principal),
      );
      const others = statements.filter(
        (s) =>
          s.Effect === 'Allow' &&
          isObj(s.Principal) &&
          s.Principal.Service !== undefined &&
          !service.includes(s),
      );
      if (others.length > 0) fail(`${pid}: an Allow statement names a service other than CloudFront`);
      if (access === 'oai') {
        if (service.length > 0)
          fail(`${pid}: originAccess "oai" must not admit ${OAC_BUCKET_POLICY.value.principal}`);
        continue;
      }
      if (service.length === 0)
        fail(`${pid}: originAccess "${access}" must admit ${OAC_BUCKET_POLICY.value.principal}`);
      for (const s of service) {
        const actions = list(s.Action);
        if (actions.length === 0 || actions.some((a: Json) => a !== 's3:GetObject'))
          fail(`${pid}: CloudFront may only s3:GetObject (got ${actions.join(', ')})`);
        const equals =
          isObj(s.Condition) && isObj(s.Condition.StringEquals) ? s.Condition.StringEquals : undefined;
        const arn = equals?.[OAC_BUCKET_POLICY.value.conditionKey];
        const sub = isObj(arn) ? arn['Fn::Sub'] : undefined;
        const ok =
          typeof sub === 'string' &&
          dist !== undefined &&
          /^arn:\$\{AWS::Partition\}:cloudfront::\$\{AWS::AccountId\}:distribution\/\$\{[A-Za-z0-9]+\}$/.test(
            sub,
          ) &&
          sub.endsWith(`\${${dist.id}}`);
        if (!ok)
          fail(
            `${pid}: the CloudFront statement must be conditioned on ${OAC_BUCKET_POLICY.value.conditionKey} = this distribution's ARN (StringEquals), or any distribution could read the bucket`,
          );
      }
    }
    return out;
  },
};

export const originAccessRules: TemplateRule[] = [variantRule, policyRule];
