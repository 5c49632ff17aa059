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

// --- KeyValueStore, Lambda@Edge scale quotas (issue 10) ---

const KVS_FILE_FORMAT: AwsSource = {
  guide: 'Amazon CloudFront Developer Guide',
  page: 'File format for key-value pairs',
  section: 'Note (limits of the data source and its key-value pairs)',
  url: 'https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/kvs-with-functions-create-s3-kvp.html',
};

/** A key is at most 512 characters. */
export const KVS_KEY_MAX_CHARACTERS: AwsRule<number> = {
  id: 'kvs/key-max-characters',
  source: KVS_FILE_FORMAT,
  value: 512,
  silent:
    'The PutKey API reference allows keys of up to 1,024 characters; the Developer Guide says 512. We keep the smaller.',
};

/** A value is at most 1,024 characters. */
export const KVS_VALUE_MAX_BYTES: AwsRule<number> = {
  id: 'kvs/value-max-bytes',
  source: KVS_FILE_FORMAT,
  value: 1024,
  silent:
    'The page says 1,024 "characters" without saying how they are counted; we count UTF-8 bytes, never fewer than characters, so a value we accept fits either reading.',
};

/** A store holds at most 5 MB. */
export const KVS_STORE_MAX_BYTES: AwsRule<number> = {
  id: 'kvs/store-max-bytes',
  source: KVS_FILE_FORMAT,
  value: 5 * 1000 * 1000,
  silent:
    'The page says "5 MB" without defining MB or how the store size is counted (DescribeKeyValueStore reports TotalSizeInBytes). We take the smaller reading, 5,000,000 bytes, and count an entry as its key bytes plus its value bytes.',
};

const LAMBDA_EDGE_QUOTAS: AwsSource = {
  guide: 'Amazon CloudFront Developer Guide',
  page: 'Quotas',
  section: 'Quotas on Lambda@Edge',
  url: 'https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html',
};

/** Default Lambda@Edge requests per second, in each Region (adjustable). */
export const LAMBDA_EDGE_RPS_PER_REGION: AwsRule<number> = {
  id: 'lambda-edge/requests-per-second-per-region',
  source: LAMBDA_EDGE_QUOTAS,
  value: 10_000,
};

/** Default concurrent executions, in each Region, shared with every Lambda function of the account. */
export const LAMBDA_CONCURRENCY_PER_REGION: AwsRule<number> = {
  id: 'lambda-edge/concurrent-executions-per-region',
  source: LAMBDA_EDGE_QUOTAS,
  value: 1_000,
};

const KVS_ACTIONS: AwsSource = {
  guide: 'Service Authorization Reference',
  page: 'Actions, resources, and condition keys for Amazon CloudFront KeyValueStore',
  section: 'API operations defined by Amazon CloudFront KeyValueStore',
  url: 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_cloudfront-keyvaluestore.html',
};

/** IAM actions of the KeyValueStore data plane (service prefix `cloudfront-keyvaluestore`), each scoped to a key-value-store ARN. */
export const KVS_IAM_ACTIONS: AwsRule<readonly string[]> = {
  id: 'kvs/iam-actions',
  source: KVS_ACTIONS,
  value: [
    'cloudfront-keyvaluestore:DescribeKeyValueStore',
    'cloudfront-keyvaluestore:GetKey',
    'cloudfront-keyvaluestore:ListKeys',
    'cloudfront-keyvaluestore:PutKey',
    'cloudfront-keyvaluestore:DeleteKey',
    'cloudfront-keyvaluestore:UpdateKeys',
  ],
};

AWS_RULES.push(
  KVS_KEY_MAX_CHARACTERS,
  KVS_VALUE_MAX_BYTES,
  KVS_STORE_MAX_BYTES,
  LAMBDA_EDGE_RPS_PER_REGION,
  LAMBDA_CONCURRENCY_PER_REGION,
  KVS_IAM_ACTIONS,
);
