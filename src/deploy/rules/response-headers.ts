import { CSP_MAX_LENGTH, citeRule, SECURITY_HEADER_VALUES, VIEWER_MIN_TLS } from '../../cloudfront/aws-rules';
import { directive } from '../../cloudfront/security-headers';
import type { TemplateRule, Violation } from '../template-rules';
import { branchesOf, distributionOf, isObj, type Obj, refName } from './read-template';

/** Sources the pages need: hls.js makes its transmuxing worker and MSE media URLs from blob: URLs. */
const NEEDED: [string, string][] = [
  ['worker-src', 'blob:'],
  ['media-src', 'blob:'],
];

/**
 * `pages/security-headers`: the default behavior (pages) and `/auth/*` carry a response headers
 * policy of this stack with HSTS, nosniff, X-Frame-Options, a referrer policy and a
 * Content-Security-Policy that forbids inline script and framing, lets hls.js run, and fits
 * CloudFront's length limit; every header overrides what the origin sends.
 */
const securityHeadersRule: TemplateRule = {
  name: 'pages/security-headers',
  source: `edge-auth design (issue 8 item 6); ${citeRule(SECURITY_HEADER_VALUES)}; ${citeRule(CSP_MAX_LENGTH)}`,
  check(template, options) {
    const out: Violation[] = [];
    const dist = distributionOf(template);
    if (!dist) return out;
    const targets: [string, Obj | undefined][] = [
      ['DefaultCacheBehavior', dist.defaultBehavior],
      [options.authPathPattern, dist.behavior(options.authPathPattern)],
    ];
    for (const [name, behavior] of targets) {
      if (!behavior) continue; // default/pages and auth/behavior report a missing behavior
      const where = `${dist.id}.${name}`;
      const fail = (message: string) => out.push({ rule: 'pages/security-headers', where, message });
      const policyId = refName(behavior.ResponseHeadersPolicyId);
      const policy = policyId ? template.Resources[policyId] : undefined;
      if (policy?.Type !== 'AWS::CloudFront::ResponseHeadersPolicy') {
        fail(`${name} must use a response headers policy of this stack with the security headers`);
        continue;
      }
      const config = (policy.Properties?.ResponseHeadersPolicyConfig ?? {}) as Obj;
      const sec = (isObj(config.SecurityHeadersConfig) ? config.SecurityHeadersConfig : {}) as Obj;
      const part = (key: string): Obj | undefined => (isObj(sec[key]) ? (sec[key] as Obj) : undefined);
      for (const key of [
        'StrictTransportSecurity',
        'ContentTypeOptions',
        'FrameOptions',
        'ReferrerPolicy',
        'ContentSecurityPolicy',
      ]) {
        const header = part(key);
        if (!header) fail(`${policyId}: SecurityHeadersConfig.${key} is missing`);
        else if (header.Override !== true) fail(`${policyId}: ${key} must override the origin's header`);
      }
      const hsts = part('StrictTransportSecurity');
      if (hsts && !(Number(hsts.AccessControlMaxAgeSec) >= 31536000))
        fail(`${policyId}: HSTS max-age must be at least one year (31536000 s)`);
      const frame = part('FrameOptions')?.FrameOption;
      if (frame !== undefined && !SECURITY_HEADER_VALUES.value.frameOptions.includes(String(frame)))
        fail(`${policyId}: FrameOption ${String(frame)} is not one CloudFront accepts`);
      const referrer = part('ReferrerPolicy')?.ReferrerPolicy;
      if (referrer !== undefined && !SECURITY_HEADER_VALUES.value.referrerPolicies.includes(String(referrer)))
        fail(`${policyId}: ReferrerPolicy ${String(referrer)} is not one CloudFront accepts`);
      const csp = part('ContentSecurityPolicy')?.ContentSecurityPolicy;
      if (csp === undefined) continue;
      if (typeof csp !== 'string') {
        fail(`${policyId}: the Content-Security-Policy must be a literal string`);
        continue;
      }
      if (csp.length > CSP_MAX_LENGTH.value)
        fail(
          `${policyId}: the Content-Security-Policy is ${csp.length} characters; CloudFront takes at most ${CSP_MAX_LENGTH.value}`,
        );
      const ancestors = directive(csp, 'frame-ancestors');
      if (!ancestors || ancestors.some((s) => s !== "'none'" && s !== "'self'"))
        fail(`${policyId}: the Content-Security-Policy must set frame-ancestors 'none' or 'self'`);
      const scripts = directive(csp, 'script-src') ?? directive(csp, 'default-src') ?? ['*'];
      if (
        scripts.some((s) =>
          ["'unsafe-inline'", "'unsafe-eval'", '*', 'data:', 'blob:', 'http:', 'https:'].includes(s),
        )
      )
        fail(`${policyId}: the Content-Security-Policy must not allow inline, eval'd or foreign scripts`);
      for (const [name, source] of NEEDED) {
        const sources = directive(csp, name) ?? directive(csp, 'default-src') ?? [];
        if (!sources.includes(source) && !sources.includes('*'))
          fail(`${policyId}: the Content-Security-Policy must allow ${name} ${source} (hls.js)`);
      }
    }
    return out;
  },
};

/**
 * `distribution/minimum-tls`: with an alias certificate the distribution uses one of the newest
 * security policies (`sni-only`); the default certificate is always TLSv1 (nothing to check).
 */
const minimumTlsRule: TemplateRule = {
  name: 'distribution/minimum-tls',
  source: citeRule(VIEWER_MIN_TLS),
  check(template) {
    const out: Violation[] = [];
    const dist = distributionOf(template);
    if (!dist) return out;
    for (const cert of branchesOf(dist.config.ViewerCertificate)) {
      if (!isObj(cert) || cert.CloudFrontDefaultCertificate === true) continue;
      const version = cert.MinimumProtocolVersion;
      if (!VIEWER_MIN_TLS.value.accepted.includes(String(version)))
        out.push({
          rule: 'distribution/minimum-tls',
          where: `${dist.id}.ViewerCertificate`,
          message: `with an alias certificate MinimumProtocolVersion must be one of ${VIEWER_MIN_TLS.value.accepted.join(', ')} (has ${String(version)})`,
        });
      if (cert.SslSupportMethod !== 'sni-only')
        out.push({
          rule: 'distribution/minimum-tls',
          where: `${dist.id}.ViewerCertificate`,
          message:
            'the alias certificate must be served with SslSupportMethod sni-only (dedicated IPs cost a monthly fee)',
        });
    }
    return out;
  },
};

export const responseHeadersRules: TemplateRule[] = [securityHeadersRule, minimumTlsRule];
