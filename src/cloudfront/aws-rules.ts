/**
 * AWS's own restrictions that edge-auth relies on, each in one place with the documentation page
 * (title and section) it comes from. The template rules (src/deploy/template-rules.ts), the local
 * edge (src/local) and the verifier (src/cloudfront/verifier.ts) read them from here, so a rule
 * AWS states is enforced the same way everywhere, and a test breaks when it is broken.
 *
 * Where a page is silent on something the project must decide, the entry says so (`silent`).
 */

/** A documentation page and the section that states the rule. */
export interface AwsSource {
  /** Guide or reference, e.g. "Amazon CloudFront Developer Guide". */
  guide: string;
  /** Page title as AWS prints it. */
  page: string;
  /** Section heading on that page. */
  section: string;
  url: string;
}

/** One rule AWS states, with its source. `value` is what code enforces. */
export interface AwsRule<T = unknown> {
  /** Stable identifier used in failure messages, e.g. "origin-custom-headers/denylist". */
  id: string;
  source: AwsSource;
  value: T;
  /** Where the page says nothing about a case we had to decide, what we decided and why. */
  silent?: string;
}

/** Formats a rule's source for a failure message: `id (Guide, "Page", section "Section")`. */
export function citeRule(rule: AwsRule): string {
  const s = rule.source;
  return `${rule.id} (${s.guide}, "${s.page}", section "${s.section}")`;
}

/** Every rule of this module, for the test that each is enforced and cited. */
export const AWS_RULES: AwsRule[] = [];

// --- origin access, response headers policy, viewer TLS (issue 8 part B) ---

const RESTRICT_S3 = {
  guide: 'Amazon CloudFront Developer Guide',
  page: 'Restrict access to an Amazon S3 origin',
  url: 'https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html',
};

/** An S3 origin read through OAC keeps an empty `S3OriginConfig.OriginAccessIdentity` and names the OAC. */
export const OAC_ORIGIN: AwsRule<{ originAccessIdentity: ''; originType: 's3'; signingProtocol: 'sigv4' }> = {
  id: 'origin-access/oac-origin',
  source: { ...RESTRICT_S3, section: 'Create a new origin access control' },
  value: { originAccessIdentity: '', originType: 's3', signingProtocol: 'sigv4' },
};
AWS_RULES.push(OAC_ORIGIN);

/**
 * OAC requests come from the service principal `cloudfront.amazonaws.com`; the bucket policy
 * admits them only for the distribution whose ARN is the `AWS:SourceArn` condition.
 */
export const OAC_BUCKET_POLICY: AwsRule<{ principal: string; conditionKey: string }> = {
  id: 'origin-access/oac-bucket-policy',
  source: { ...RESTRICT_S3, section: 'Give the origin access control permission to access the S3 bucket' },
  value: { principal: 'cloudfront.amazonaws.com', conditionKey: 'AWS:SourceArn' },
};
AWS_RULES.push(OAC_BUCKET_POLICY);

/**
 * Switching an existing distribution from OAI to OAC: first a bucket policy that admits both, then
 * the origin, then drop the OAI statement. In this stack that is settings `originAccess: "oai+oac"`,
 * a deploy, then `"oac"` and a deploy.
 */
export const OAI_TO_OAC_MIGRATION: AwsRule<readonly string[]> = {
  id: 'origin-access/migration',
  source: {
    ...RESTRICT_S3,
    section: 'Migrating from origin access identity (OAI) to origin access control (OAC)',
  },
  value: ['oai', 'oai+oac', 'oac'],
  silent:
    'The page does not say how long CloudFront keeps using the OAI after the distribution update; CloudFormation waits for the distribution to deploy before it updates the bucket policy that depends on it, so the OAI statement goes only after that.',
};
AWS_RULES.push(OAI_TO_OAC_MIGRATION);

const RESPONSE_HEADERS = {
  guide: 'Amazon CloudFront Developer Guide',
  page: 'Understand response headers policies',
  url: 'https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/understanding-response-headers-policies.html',
};

/**
 * The values a response headers policy accepts for its security headers (CloudFormation
 * AWS::CloudFront::ResponseHeadersPolicy FrameOptions / ReferrerPolicy, the same enums as the API).
 */
export const SECURITY_HEADER_VALUES: AwsRule<{
  frameOptions: readonly string[];
  referrerPolicies: readonly string[];
}> = {
  id: 'response-headers/security-header-values',
  source: { ...RESPONSE_HEADERS, section: 'Security headers' },
  value: {
    frameOptions: ['DENY', 'SAMEORIGIN'],
    referrerPolicies: [
      'no-referrer',
      'no-referrer-when-downgrade',
      'origin',
      'origin-when-cross-origin',
      'same-origin',
      'strict-origin',
      'strict-origin-when-cross-origin',
      'unsafe-url',
    ],
  },
};
AWS_RULES.push(SECURITY_HEADER_VALUES);

/**
 * The longest Content-Security-Policy value a response headers policy takes; a longer one fails
 * with TooLongCSPInResponseHeadersPolicy (CloudFront API Reference, CreateResponseHeadersPolicy errors).
 */
export const CSP_MAX_LENGTH: AwsRule<number> = {
  id: 'response-headers/csp-max-length',
  source: {
    guide: 'Amazon CloudFront Developer Guide',
    page: 'Quotas',
    section: 'Quotas on response headers policies',
    url: 'https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html',
  },
  value: 1783,
  silent:
    'The API error TooLongCSPInResponseHeadersPolicy confirms a maximum and points to the Quotas page; the figure 1,783 characters (the same as the origin custom header value quota) could not be re-read from the current Quotas page while this entry was written: check it there before relying on a CSP near that length. The edge-auth CSP is about 300 characters.',
};
AWS_RULES.push(CSP_MAX_LENGTH);

/**
 * The minimum viewer TLS protocol for a distribution with its own (ACM, SNI) certificate. The page's
 * table lists the security policies up to TLSv1.2_2025 (TLS 1.2 and 1.3, AEAD ciphers only) and
 * TLSv1.3_2025 (TLS 1.3 only); those two are the newest. edge-auth uses TLSv1.2_2025: TLS 1.3-only
 * would lock out players without TLS 1.3 (older smart TVs and set-top boxes). The CloudFormation
 * specification types MinimumProtocolVersion as a plain string, so only this rule checks the value.
 * With the default *.cloudfront.net certificate CloudFront sets the policy to TLSv1 whatever the
 * template says (AWS::CloudFront::Distribution ViewerCertificate, MinimumProtocolVersion).
 */
export const VIEWER_MIN_TLS: AwsRule<{
  accepted: readonly string[];
  chosen: string;
  defaultCertificate: string;
}> = {
  id: 'viewer-tls/minimum-protocol',
  source: {
    guide: 'Amazon CloudFront Developer Guide',
    page: 'Supported protocols and ciphers between viewers and CloudFront',
    section: 'Supported protocols and ciphers between viewers and CloudFront (security policy table)',
    url: 'https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/secure-connections-supported-viewer-protocols-ciphers.html',
  },
  value: { accepted: ['TLSv1.2_2025', 'TLSv1.3_2025'], chosen: 'TLSv1.2_2025', defaultCertificate: 'TLSv1' },
};
AWS_RULES.push(VIEWER_MIN_TLS);
