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
