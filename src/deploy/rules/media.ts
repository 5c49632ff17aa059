/** Structural rules for the protected media behavior (`/media/*`). */
import {
  behaviorRules,
  defineRule,
  distributionOf,
  type Json,
  listOf,
  MANAGED,
  mentions,
  type Obj,
  ofType,
  refName,
  type TemplateRule,
} from './template-json';

const DESIGN = 'edge-auth design: media needs signed cookies and a session';

/** Runs only when the media behavior exists (`media/behavior` reports its absence). */
const mediaRule = behaviorRules((options) => options.mediaPathPattern);

export const MEDIA_RULES: TemplateRule[] = [
  defineRule('media/behavior', DESIGN, (template, options, fail) => {
    const d = distributionOf(template);
    if (d && !d.behavior(options.mediaPathPattern))
      fail(d.where('CacheBehaviors'), `no cache behavior for ${options.mediaPathPattern}`);
  }),
  mediaRule('media/trusted-key-group', DESIGN, ({ behavior: media, where }, template, options, fail) => {
    const R = template.Resources;
    const groups = listOf(media.TrustedKeyGroups).map(refName);
    const groupOk = groups.length > 0 && groups.every((g) => g && R[g]?.Type === 'AWS::CloudFront::KeyGroup');
    if (!groupOk)
      fail(where, `${options.mediaPathPattern} must trust a KeyGroup of this stack (TrustedKeyGroups)`);
    for (const g of groups) {
      const items = ((R[g ?? '']?.Properties?.KeyGroupConfig as Obj | undefined)?.Items ?? []) as Json[];
      const keysOk =
        items.length >= 1 &&
        items.length <= 5 &&
        items.every((i) => R[refName(i) ?? '']?.Type === 'AWS::CloudFront::PublicKey');
      if (!keysOk) fail(g ?? '?', `${g} must hold 1 to 5 PublicKey resources of this stack`);
    }
    if (media.TrustedSigners) fail(where, 'TrustedSigners (root key pairs) must not be used');
  }),
  mediaRule('media/oai-origin', DESIGN, ({ d, behavior: media, where }, template, options, fail) => {
    const oaiIds = ofType(template, 'AWS::CloudFront::CloudFrontOriginAccessIdentity').map(([id]) => id);
    const origin = d.originById(media.TargetOriginId);
    const oai = (origin?.S3OriginConfig as Obj | undefined)?.OriginAccessIdentity;
    // originAccess "oac": the origin reads through OAC instead (rule origin-access/variant).
    if (options.originAccess === 'oac') {
      if (origin?.S3OriginConfig === undefined)
        fail(where, `${options.mediaPathPattern} must target an S3 origin of this stack`);
      return;
    }
    if (!origin || !oaiIds.some((o) => mentions(oai, o)))
      fail(where, `${options.mediaPathPattern} must target an S3 origin read through the stack's OAI`);
  }),
  // The only guard of S3's header size limit: the edge function keeps the viewer's Cookie header
  // (no AWS page says whether CloudFront checks signed cookies before or after a viewer-request
  // function), so cookies must never reach the origin request.
  mediaRule(
    'media/cookies-not-in-cache-key',
    'edge-auth design: cookies stay out of the media cache key and origin requests (S3 header limit)',
    ({ behavior: media, where }, template, options, fail) => {
      const policyId = media.CachePolicyId;
      const policyRef = refName(policyId);
      const cachePolicy = policyRef
        ? (template.Resources[policyRef]?.Properties?.CachePolicyConfig as Obj | undefined)
        : undefined;
      const params = cachePolicy?.ParametersInCacheKeyAndForwardedToOrigin as Obj | undefined;
      const cookieBehavior = (params?.CookiesConfig as Obj | undefined)?.CookieBehavior;
      const cookiesOut =
        policyId === MANAGED.cachingOptimized || (cachePolicy !== undefined && cookieBehavior === 'none');
      if (!cookiesOut || media.ForwardedValues || media.OriginRequestPolicyId)
        fail(
          where,
          `${options.mediaPathPattern} must keep cookies out of the cache key and origin requests (cache policy CookieBehavior none, no origin request policy)`,
        );
    },
  ),
  mediaRule('media/edge-association', DESIGN, ({ behavior: media, where }, template, options, fail) => {
    // The function edge mode has its own association rules (src/deploy/rules/function-mode.ts).
    if (options.edgeMode === 'function') return;
    const R = template.Resources;
    const viewer = listOf(media.LambdaFunctionAssociations).find((a) => a.EventType === 'viewer-request');
    const versionId = refName(viewer?.LambdaFunctionARN);
    const version = versionId ? R[versionId] : undefined;
    if (!viewer || version?.Type !== 'AWS::Lambda::Version') {
      fail(
        where,
        `${options.mediaPathPattern} must run the edge function on viewer-request through a numbered version (AWS::Lambda::Version)`,
      );
      return;
    }
    const fnId = refName(version.Properties?.FunctionName);
    if (R[fnId ?? '']?.Type !== 'AWS::Lambda::Function')
      fail(versionId!, `${versionId} is not a version of a function in this stack`);
  }),
  mediaRule('media/https', DESIGN, ({ behavior: media, where }, _template, options, fail) => {
    if (!['https-only', 'redirect-to-https'].includes(String(media.ViewerProtocolPolicy)))
      fail(where, `${options.mediaPathPattern} must not allow plain HTTP`);
  }),
  mediaRule('media/read-only', DESIGN, ({ behavior: media, where }, _template, options, fail) => {
    const methods = new Set(([] as Json[]).concat(media.AllowedMethods ?? ['GET', 'HEAD']));
    if ([...methods].some((m) => !['GET', 'HEAD', 'OPTIONS'].includes(String(m))))
      fail(where, `${options.mediaPathPattern} allows only GET, HEAD (and OPTIONS)`);
  }),
];
