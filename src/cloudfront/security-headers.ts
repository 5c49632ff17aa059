import { CSP_MAX_LENGTH, SECURITY_HEADER_VALUES } from './aws-rules';

/**
 * The security headers CloudFront adds to the pages and to `/auth/*` through a response headers
 * policy (settings `responseHeaders`). The same settings give the CloudFormation policy and the
 * headers the local edge sends, so the browser test runs the sign-in and player pages under the
 * Content-Security-Policy that production sends.
 */
export interface ResponseHeadersSettings {
  /** The Content-Security-Policy the pages must obey (web/*.html, web/*.js, hls.js). */
  contentSecurityPolicy: string;
  strictTransportSecurity: { maxAgeSeconds: number; includeSubdomains: boolean; preload: boolean };
  frameOptions: 'DENY' | 'SAMEORIGIN';
  referrerPolicy: string;
}

/** Problems with the settings, as `[field, why]`; empty when they are usable. */
export function checkResponseHeaders(rh: ResponseHeadersSettings): [string, string][] {
  const out: [string, string][] = [];
  const csp = rh.contentSecurityPolicy;
  if (typeof csp !== 'string' || csp.trim() === '') out.push(['contentSecurityPolicy', 'is required']);
  else {
    if (csp.length > CSP_MAX_LENGTH.value)
      out.push([
        'contentSecurityPolicy',
        `is ${csp.length} characters; CloudFront takes at most ${CSP_MAX_LENGTH.value}`,
      ]);
    if (/[\u0000-\u001f\u007f]/.test(csp)) out.push(['contentSecurityPolicy', 'must be one line']);
    if (!directive(csp, 'frame-ancestors')) out.push(['contentSecurityPolicy', 'must set frame-ancestors']);
  }
  const hsts = rh.strictTransportSecurity;
  if (!hsts || !Number.isInteger(hsts.maxAgeSeconds) || hsts.maxAgeSeconds < 0)
    out.push(['strictTransportSecurity.maxAgeSeconds', 'must be a non-negative integer']);
  if (!SECURITY_HEADER_VALUES.value.frameOptions.includes(rh.frameOptions))
    out.push(['frameOptions', `must be one of ${SECURITY_HEADER_VALUES.value.frameOptions.join(', ')}`]);
  if (!SECURITY_HEADER_VALUES.value.referrerPolicies.includes(rh.referrerPolicy))
    out.push([
      'referrerPolicy',
      `must be one of ${SECURITY_HEADER_VALUES.value.referrerPolicies.join(', ')}`,
    ]);
  return out;
}

/** The sources of one CSP directive, or undefined when the policy does not set it. */
export function directive(csp: string, name: string): string[] | undefined {
  for (const part of csp.split(';')) {
    const [key, ...sources] = part.trim().split(/\s+/);
    if (key?.toLowerCase() === name) return sources;
  }
  return undefined;
}

/** The headers a response gets, lower-case names, in the order CloudFront's policy lists them. */
export function securityHeaders(rh: ResponseHeadersSettings): Array<[string, string]> {
  const hsts = rh.strictTransportSecurity;
  return [
    [
      'strict-transport-security',
      `max-age=${hsts.maxAgeSeconds}${hsts.includeSubdomains ? '; includeSubDomains' : ''}${hsts.preload ? '; preload' : ''}`,
    ],
    ['x-content-type-options', 'nosniff'],
    ['x-frame-options', rh.frameOptions],
    ['referrer-policy', rh.referrerPolicy],
    ['content-security-policy', rh.contentSecurityPolicy],
  ];
}

/**
 * Origin headers with the policy's headers applied: every policy header overrides the origin's
 * (`Override: true` in the policy), the rest pass unchanged.
 */
export function withSecurityHeaders(
  headers: Array<[string, string]>,
  policy: Array<[string, string]>,
): Array<[string, string]> {
  const names = new Set(policy.map(([name]) => name));
  return [...headers.filter(([name]) => !names.has(name.toLowerCase())), ...policy];
}

/** `SecurityHeadersConfig` of an AWS::CloudFront::ResponseHeadersPolicy, every header overriding the origin's. */
export function securityHeadersConfig(rh: ResponseHeadersSettings): Record<string, unknown> {
  return {
    StrictTransportSecurity: {
      AccessControlMaxAgeSec: rh.strictTransportSecurity.maxAgeSeconds,
      IncludeSubdomains: rh.strictTransportSecurity.includeSubdomains,
      Preload: rh.strictTransportSecurity.preload,
      Override: true,
    },
    ContentTypeOptions: { Override: true },
    FrameOptions: { FrameOption: rh.frameOptions, Override: true },
    ReferrerPolicy: { ReferrerPolicy: rh.referrerPolicy, Override: true },
    ContentSecurityPolicy: { ContentSecurityPolicy: rh.contentSecurityPolicy, Override: true },
  };
}
