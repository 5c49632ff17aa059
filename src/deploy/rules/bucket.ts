/** Structural rules for the media bucket behind the distribution's S3 origins. */
import {
  defineRule,
  distributionOf,
  getAttOf,
  isObj,
  type Json,
  mentions,
  type Obj,
  ofType,
  originBuckets,
  refName,
  type Template,
  type TemplateRule,
} from './template-json';

const DESIGN = 'edge-auth design: media is readable only through CloudFront';

const eachBucket = (template: Template) => {
  const d = distributionOf(template);
  return d ? originBuckets(template, d) : [];
};

const policiesOf = (template: Template, bucketId: string) =>
  ofType(template, 'AWS::S3::BucketPolicy').filter(([, bp]) => refName(bp.Properties?.Bucket) === bucketId);

const statementsOf = (policy: { Properties?: Obj }) =>
  ((policy.Properties?.PolicyDocument as Obj)?.Statement ?? []) as Obj[];

export const BUCKET_RULES: TemplateRule[] = [
  defineRule('bucket/origin', DESIGN, (template, _options, fail) => {
    const d = distributionOf(template);
    if (d && originBuckets(template, d).length === 0) fail(d.id, 'no S3 origin reads a bucket of this stack');
  }),
  defineRule('bucket/block-public-access', DESIGN, (template, _options, fail) => {
    for (const [id, bucket] of eachBucket(template)) {
      const bpa = bucket.Properties?.PublicAccessBlockConfiguration as Obj | undefined;
      for (const flag of [
        'BlockPublicAcls',
        'BlockPublicPolicy',
        'IgnorePublicAcls',
        'RestrictPublicBuckets',
      ]) {
        if (bpa?.[flag] !== true) fail(id, `${id}: PublicAccessBlockConfiguration.${flag} must be true`);
      }
    }
  }),
  defineRule('bucket/encryption', DESIGN, (template, _options, fail) => {
    for (const [id, bucket] of eachBucket(template)) {
      if (!bucket.Properties?.BucketEncryption)
        fail(id, `${id}: default encryption (BucketEncryption) is missing`);
    }
  }),
  defineRule('bucket/owner-enforced', DESIGN, (template, _options, fail) => {
    for (const [id, bucket] of eachBucket(template)) {
      const rules = (bucket.Properties?.OwnershipControls as Obj | undefined)?.Rules;
      if (
        !Array.isArray(rules) ||
        !rules.some((r) => isObj(r) && r.ObjectOwnership === 'BucketOwnerEnforced')
      )
        fail(id, `${id}: OwnershipControls must be BucketOwnerEnforced`);
    }
  }),
  defineRule('bucket/policy-principal-oai', DESIGN, (template, options, fail) => {
    const oaiIds = new Set(
      ofType(template, 'AWS::CloudFront::CloudFrontOriginAccessIdentity').map(([id]) => id),
    );
    for (const [id] of eachBucket(template)) {
      const policies = policiesOf(template, id);
      if (policies.length === 0) fail(id, `${id} has no bucket policy`);
      for (const [pid, bp] of policies) {
        // Statements for a service principal (OAC's cloudfront.amazonaws.com) are checked by
        // bucket/policy-principal-oac; with originAccess "oac" no OAI statement is needed.
        const allows = statementsOf(bp).filter(
          (s) => s.Effect === 'Allow' && !(isObj(s.Principal) && s.Principal.Service !== undefined),
        );
        if (allows.length === 0 && options.originAccess !== 'oac') fail(pid, `${pid} grants the OAI nothing`);
        for (const s of allows) {
          const principal = s.Principal as Obj | undefined;
          const viaCanonical = getAttOf(principal?.CanonicalUser);
          const ok =
            (viaCanonical && oaiIds.has(viaCanonical[0]) && viaCanonical[1] === 'S3CanonicalUserId') ||
            (principal?.AWS !== undefined && [...oaiIds].some((o) => mentions(principal.AWS, o)));
          if (!ok) fail(pid, `${pid}: an Allow statement's principal is not the distribution's OAI`);
          const actions = ([] as Json[]).concat(s.Action ?? []);
          if (actions.some((a) => a !== 's3:GetObject'))
            fail(pid, `${pid}: the OAI may only s3:GetObject (got ${actions.join(', ')})`);
        }
      }
    }
  }),
  defineRule('bucket/deny-insecure-transport', DESIGN, (template, _options, fail) => {
    for (const [id] of eachBucket(template)) {
      for (const [pid, bp] of policiesOf(template, id)) {
        const denyTls = statementsOf(bp).some(
          (s) =>
            s.Effect === 'Deny' &&
            isObj(s.Condition) &&
            isObj(s.Condition.Bool) &&
            String(s.Condition.Bool['aws:SecureTransport']) === 'false',
        );
        if (!denyTls) fail(pid, `${pid} does not deny requests without TLS`);
      }
    }
  }),
];
