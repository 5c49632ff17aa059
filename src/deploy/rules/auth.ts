/** Structural rules for the sign-in behavior (`/auth/*`) and its function URL origin. */
import {
  behaviorRules,
  defineRule,
  distributionOf,
  getAttOf,
  type Json,
  listOf,
  MANAGED,
  mentions,
  type TemplateRule,
} from './template-json';

const DESIGN = 'edge-auth design: the login function is reached only through CloudFront';

/** Runs only when the auth behavior exists (`auth/behavior` reports its absence). */
const authRule = behaviorRules((options) => options.authPathPattern);

export const AUTH_RULES: TemplateRule[] = [
  defineRule('auth/behavior', DESIGN, (template, options, fail) => {
    const d = distributionOf(template);
    if (d && !d.behavior(options.authPathPattern))
      fail(d.where('CacheBehaviors'), `no cache behavior for ${options.authPathPattern}`);
  }),
  authRule('auth/function-url-origin', DESIGN, ({ d, behavior: auth, where }, _template, options, fail) => {
    const origin = d.originById(auth.TargetOriginId);
    if (!origin?.CustomOriginConfig || !mentions(origin.DomainName, 'LoginLambdaFunctionUrl'))
      fail(where, `${options.authPathPattern} must target the login function URL as a custom origin`);
  }),
  // auth/origin-secret: src/deploy/rules/origin-secret.ts (the value comes from SSM).
  authRule('auth/caching-disabled', DESIGN, ({ behavior: auth, where }, _template, options, fail) => {
    if (auth.CachePolicyId !== MANAGED.cachingDisabled)
      fail(where, `${options.authPathPattern} must use Managed-CachingDisabled`);
  }),
  authRule('auth/forward-viewer', DESIGN, ({ behavior: auth, where }, _template, options, fail) => {
    if (auth.OriginRequestPolicyId !== MANAGED.allViewerExceptHostHeader)
      fail(
        where,
        `${options.authPathPattern} must forward cookies, query and headers except Host (Managed-AllViewerExceptHostHeader)`,
      );
  }),
  authRule('auth/all-methods', DESIGN, ({ behavior: auth, where }, _template, options, fail) => {
    const methods = new Set(([] as Json[]).concat(auth.AllowedMethods ?? []));
    if (!['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'].every((m) => methods.has(m)))
      fail(where, `${options.authPathPattern} must allow all methods`);
  }),
  authRule('auth/viewer-host-function', DESIGN, ({ behavior: auth, where }, template, options, fail) => {
    const hostFn = listOf(auth.FunctionAssociations).find((f) => f.EventType === 'viewer-request');
    const target = getAttOf(hostFn?.FunctionARN);
    if (!target || template.Resources[target[0]]?.Type !== 'AWS::CloudFront::Function')
      fail(
        where,
        `${options.authPathPattern} must run the viewer-host CloudFront Function on viewer-request`,
      );
  }),
  authRule('auth/https', DESIGN, ({ behavior: auth, where }, _template, options, fail) => {
    if (!['https-only', 'redirect-to-https'].includes(String(auth.ViewerProtocolPolicy)))
      fail(where, `${options.authPathPattern} must not allow plain HTTP`);
  }),
];
