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

// --- edge functions, origins and signed policies (issue 8) ---
//
// Verified with the search tool against the CloudFront Developer Guide and the Lambda Developer
// Guide: the stored current pages where their text was reachable, else the guide's own source
// (github.com/awsdocs/amazon-cloudfront-developer-guide, last published June 2023) for the same
// page and section. Page titles are the current ones.

const CF = 'Amazon CloudFront Developer Guide';
const CF_URL = 'https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/';
const cf = (page: string, section: string, file: string): AwsSource => ({
  guide: CF,
  page,
  section,
  url: `${CF_URL}${file}`,
});
const rule = <T>(r: AwsRule<T>): AwsRule<T> => {
  AWS_RULES.push(r as AwsRule);
  return r;
};

/** Header names as exact lower-case names plus lower-case prefixes. */
export interface HeaderList {
  names: readonly string[];
  prefixes: readonly string[];
}

/** True when `name` (any case) is on the list, by exact name or by prefix. */
export function headerListed(list: HeaderList, name: string): boolean {
  const lower = name.toLowerCase();
  return list.names.includes(lower) || list.prefixes.some((p) => lower.startsWith(p));
}

export const ORIGIN_CUSTOM_HEADER_DENYLIST = rule<HeaderList>({
  id: 'origin-custom-headers/denylist',
  source: cf(
    'Add custom headers to origin requests',
    "Custom headers that CloudFront can't add to origin requests",
    'add-origin-custom-headers.html#add-origin-custom-headers-denylist',
  ),
  value: {
    names: [
      'cache-control',
      'connection',
      'content-length',
      'cookie',
      'host',
      'if-match',
      'if-modified-since',
      'if-none-match',
      'if-range',
      'if-unmodified-since',
      'max-forwards',
      'pragma',
      'proxy-authorization',
      'proxy-connection',
      'range',
      'request-range',
      'te',
      'trailer',
      'transfer-encoding',
      'upgrade',
      'via',
      'x-real-ip',
    ],
    prefixes: ['x-amz-', 'x-edge-'],
  },
});

export const EDGE_DISALLOWED_HEADERS = rule<HeaderList>({
  id: 'edge-functions/disallowed-headers',
  source: cf(
    'Restrictions on all edge functions',
    'HTTP headers: Disallowed headers',
    'edge-function-restrictions-all.html#function-restrictions-disallowed-headers',
  ),
  value: {
    names: [
      'connection',
      'expect',
      'keep-alive',
      'proxy-authenticate',
      'proxy-authorization',
      'proxy-connection',
      'trailer',
      'upgrade',
      'x-accel-buffering',
      'x-accel-charset',
      'x-accel-limit-rate',
      'x-accel-redirect',
      'x-amzn-auth',
      'x-amzn-cf-billing',
      'x-amzn-cf-id',
      'x-amzn-cf-xff',
      'x-amzn-errortype',
      'x-amzn-fle-profile',
      'x-amzn-header-count',
      'x-amzn-header-order',
      'x-amzn-lambda-integration-tag',
      'x-amzn-requestid',
      'x-cache',
      'x-forwarded-proto',
      'x-real-ip',
    ],
    prefixes: ['x-amz-cf-', 'x-edge-'],
  },
  silent:
    'The page says these headers are "not exposed to edge functions" and that adding one fails validation (502); it does not say whether removing or rewriting a disallowed header the viewer sent is an error. The local edge never shows them, so a function cannot touch them.',
});

export const EDGE_READ_ONLY_VIEWER_REQUEST = rule<readonly string[]>({
  id: 'edge-functions/read-only-viewer-request-headers',
  source: cf(
    'Restrictions on all edge functions',
    'HTTP headers: Read-only headers in viewer request events',
    'edge-function-restrictions-all.html#function-restrictions-read-only-headers-viewer-request',
  ),
  value: ['content-length', 'host', 'transfer-encoding', 'via'],
});

export const LAMBDA_EDGE_VIEWER_COUNTRY = rule<string>({
  id: 'lambda-edge/viewer-request-cloudfront-viewer-country',
  source: cf(
    'Restrictions on Lambda@Edge',
    'CloudFront headers',
    'lambda-at-edge-function-restrictions.html#lambda-at-edge-restrictions-cloudfront-headers',
  ),
  // Viewer-facing functions see the value the viewer sent; CloudFront adds its own only after the
  // viewer request event; a viewer-request Lambda@Edge function that adds it fails validation (502).
  value: 'cloudfront-viewer-country',
  silent:
    'The page states this for Lambda@Edge only; for CloudFront Functions it says nothing, so the local edge applies no such rule to them.',
});

export const GENERATED_RESPONSE_STATUS = rule<{ min: number; max: number }>({
  id: 'lambda-edge/generated-response-status',
  source: cf(
    'Work with requests and responses',
    'Generate HTTP responses in request triggers: Response object (status)',
    'lambda-generating-http-responses.html#lambda-generating-http-responses-object',
  ),
  value: { min: 200, max: 599 },
  silent:
    'The page says "Provide the status code as a string" and that a value outside 200-599 is an error; it does not say that a number is refused or what the error is. The local edge accepts a number or a numeric string and answers 502 outside 200-599.',
});

export const GENERATED_RESPONSE_204_BODY = rule<number>({
  id: 'lambda-edge/generated-response-204-without-body',
  source: cf(
    'Work with requests and responses',
    'Generate HTTP responses in request triggers: Errors (Response contains a body and specifies 204)',
    'lambda-generating-http-responses.html#lambda-generating-http-responses-errors',
  ),
  value: 204,
});

export const LAMBDA_EDGE_VIEWER_LIMITS = rule<{
  memoryMb: number;
  timeoutSeconds: number;
  generatedResponseBytes: number;
  zippedCodeBytes: number;
}>({
  id: 'lambda-edge/viewer-event-quotas',
  source: cf(
    'Quotas',
    'Quotas on Lambda@Edge: quotas that differ by event type (viewer request and response)',
    'cloudfront-limits.html#limits-lambda-at-edge',
  ),
  value: {
    memoryMb: 128,
    timeoutSeconds: 5,
    generatedResponseBytes: 40 * 1024,
    zippedCodeBytes: 1024 * 1024,
  },
});

export const LAMBDA_EDGE_URI_MAX = rule<number>({
  id: 'edge-functions/uri-and-query-length',
  source: cf(
    'Restrictions on all edge functions',
    'URI',
    'edge-function-restrictions-all.html#function-restrictions-uri',
  ),
  // "must be less than 8,192 characters"
  value: 8192,
});

export const LAMBDA_EDGE_UNSUPPORTED_FEATURES = rule<{
  environment: false;
  layers: false;
  vpc: false;
  architectures: readonly string[];
  packageType: 'Zip';
}>({
  id: 'lambda-edge/unsupported-lambda-features',
  source: cf(
    'Restrictions on Lambda@Edge',
    'Lambda features',
    'lambda-at-edge-function-restrictions.html#lambda-at-edge-restrictions-features',
  ),
  // Not supported: VPC access, environment variables, layers, container images, arm64 (and dead
  // letter queues, X-Ray, reserved/provisioned concurrency, more than 512 MB ephemeral storage).
  value: { environment: false, layers: false, vpc: false, architectures: ['x86_64'], packageType: 'Zip' },
});

export const LAMBDA_EDGE_RUNTIMES = rule<readonly string[]>({
  id: 'lambda-edge/supported-runtimes',
  source: cf(
    'Restrictions on Lambda@Edge',
    'Supported runtimes',
    'lambda-at-edge-function-restrictions.html#lambda-at-edge-restrictions-runtime',
  ),
  value: ['nodejs22.x', 'nodejs20.x', 'nodejs18.x', 'python3.13', 'python3.12', 'python3.11'],
  silent:
    'The stored copies show the runtime table only as a placeholder; the list is the one this project already relied on, kept to the Node.js and Python runtimes Lambda still supports.',
});

export const CLOUDFRONT_FUNCTION_MAX_CODE_BYTES = rule<number>({
  id: 'cloudfront-functions/function-size',
  source: cf(
    'Quotas',
    'Quotas on CloudFront Functions (function size)',
    'cloudfront-limits.html#limits-functions',
  ),
  value: 10 * 1024,
});

export const CLOUDFRONT_FUNCTION_RUNTIME = rule<string>({
  id: 'cloudfront-functions/runtime',
  source: cf(
    'Restrictions on CloudFront Functions',
    'Runtime',
    'cloudfront-function-restrictions.html#cloudfront-function-runtime-restrictions',
  ),
  // "To use CloudFront KeyValueStore, your CloudFront function must use JavaScript runtime 2.0";
  // the local edge emulates that runtime's event shape only.
  value: 'cloudfront-js-2.0',
});

export const FUNCTION_URL_MAX_PAYLOAD_BYTES = rule<number>({
  id: 'lambda/function-url-buffered-payload',
  source: {
    guide: 'AWS Lambda Developer Guide',
    page: 'Invoking a response streaming enabled function using Lambda function URLs',
    section: 'Invoke modes (BUFFERED)',
    url: 'https://docs.aws.amazon.com/lambda/latest/dg/config-rs-invoke-furls.html',
  },
  // "BUFFERED – This is the default option. ... The maximum payload size is 6 MB."
  value: 6 * 1024 * 1024,
  silent:
    'The page does not say what a viewer sees through CloudFront when the payload is too large; the local edge answers 413 for an oversized request event and 502 for an oversized function result.',
});

const COOKIE_POLICY_PAGE = 'Set signed cookies using a custom policy';
const COOKIE_POLICY_SECTION =
  'Values that you specify in the policy statement for a custom policy for signed cookies';
const COOKIE_POLICY_FILE =
  'private-content-setting-signed-cookie-custom-policy.html#private-content-custom-policy-statement-cookies-values';

export const COOKIE_POLICY_RESOURCE_OPTIONAL = rule<boolean>({
  id: 'signed-policy/cookie-resource-optional',
  source: cf(COOKIE_POLICY_PAGE, `${COOKIE_POLICY_SECTION} (Resource)`, COOKIE_POLICY_FILE),
  // "If you omit the Resource parameter, users can access all of the objects associated with any
  // distribution that is associated with the key pair that you use to create the signed URL."
  value: true,
});

export const COOKIE_POLICY_RESOURCE_SCHEMES = rule<readonly string[]>({
  id: 'signed-policy/cookie-resource-scheme',
  source: cf(COOKIE_POLICY_PAGE, `${COOKIE_POLICY_SECTION} (Resource: Protocol)`, COOKIE_POLICY_FILE),
  // "Protocol – The value must begin with http:// or https://."
  value: ['http://', 'https://'],
  silent:
    'The cookie page allows only http:// and https://; it does not say what CloudFront answers for another scheme (for example *://). The verifier answers AccessDenied (malformed-policy).',
});

export const COOKIE_POLICY_IP_IPV4_ONLY = rule<boolean>({
  id: 'signed-policy/ip-address-ipv4',
  source: cf(COOKIE_POLICY_PAGE, `${COOKIE_POLICY_SECTION} (IpAddress)`, COOKIE_POLICY_FILE),
  // "You must specify IP address ranges in standard IPv4 CIDR format ... IP addresses in IPv6
  // format ... are not supported. If you're using a custom policy that includes IpAddress, do not
  // enable IPv6 for the distribution."
  value: true,
  silent:
    'The page says IPv6 is "not supported" in IpAddress but not what CloudFront answers for such a policy; the verifier answers AccessDenied (malformed-policy). Template rule distribution/ipv6 keeps IPv6 off for IP-bound stages.',
});

export const SIGNED_URL_IP_IPV4_ONLY = rule<boolean>({
  id: 'signed-policy/url-ip-address-ipv4',
  source: cf(
    'Create a signed URL using a custom policy',
    'Values that you specify in the policy statement for a signed URL that uses a custom policy (IpAddress)',
    'private-content-creating-signed-url-custom-policy.html#private-content-custom-policy-statement-values',
  ),
  // The same words as the cookie page: "IP addresses in IPv6 format ... are not supported."
  value: true,
  silent:
    'As for cookies, the page does not say what CloudFront answers; the verifier answers AccessDenied (malformed-policy) and the signer refuses.',
});
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
export const OAI_TO_OAC_MIGRATION: AwsRule<readonly ['oai', 'oai+oac', 'oac']> = {
  id: 'origin-access/migration',
  source: {
    ...RESTRICT_S3,
    section: 'Migrating from origin access identity (OAI) to origin access control (OAC)',
  },
  value: ['oai', 'oai+oac', 'oac'] as const,
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

// --- sign-in abuse, limits and the attack findings (issue 9) ---
//
// Checked with the search tool. Where AWS's page is silent, the entry says what was decided.

export const CLOUDFRONT_MAX_URL_BYTES = rule<number>({
  id: 'cloudfront/max-url-length',
  source: cf('Quotas', 'General quotas', 'cloudfront-limits.html#limits-general'),
  // "Maximum length of a URL: 8,192 bytes".
  value: 8192,
  silent:
    'The page gives the limit, not the answer past it; the wildcard matcher (src/cloudfront/wildcard.ts) treats a longer URL as no match and does no work on it.',
});

export const CLOUDFRONT_MAX_REQUEST_BYTES = rule<number>({
  id: 'cloudfront/max-request-length',
  source: cf('Quotas', 'General quotas', 'cloudfront-limits.html#limits-general'),
  // "Maximum length of a request or an origin response, including headers and query strings, but
  // not including the body content: 20,480 bytes".
  value: 20480,
  silent:
    'AWS states no limit on a signed policy or its Resource. A policy reaches CloudFront in a cookie or a query parameter, so it can never exceed the whole request: the wildcard matcher refuses a longer Resource without work.',
});

export const S3_PLUS_IN_PATH = rule<{ rawPlus: string; encodedPlus: string }>({
  id: 's3/plus-in-path',
  source: {
    guide: 'Amazon Simple Storage Service User Guide',
    page: 'Naming Amazon S3 objects',
    section: 'Object key naming guidelines (Characters that might require special handling)',
    url: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html',
  },
  // The page lists "Plus (+)" among characters that need special handling in key names.
  value: { rawPlus: ' ', encodedPlus: '+' },
  silent:
    'The page does not say how S3 reads `+` in a REST request path. Observed and reported (servo/rust-url issue 882: GET /v0.15.1+xxx/xxx answers NoSuchKey for key "v0.15.1 xxx/xxx"; %2B names "+"): a raw `+` is a space. The local origin and the edge read paths that way, and grants may not contain `+` at all (no URL names such a key for CloudFront, the edge and S3 alike).',
});

const WAF = 'AWS WAF Developer Guide';
const WAF_URL = 'https://docs.aws.amazon.com/waf/latest/developerguide/';
const waf = (page: string, section: string, file: string): AwsSource => ({
  guide: WAF,
  page,
  section,
  url: `${WAF_URL}${file}`,
});

export const WAF_RATE_LIMIT_MIN = rule<number>({
  id: 'waf/rate-limit-minimum',
  source: waf(
    'Rate-based rule high-level settings in AWS WAF',
    'Rate limit',
    'waf-rule-statement-type-rate-based-high-level-settings.html',
  ),
  // "The lowest limit setting allowed is 10." (It was 100 before; older answers still say so.)
  value: 10,
});

export const WAF_EVALUATION_WINDOWS = rule<readonly number[]>({
  id: 'waf/evaluation-windows',
  source: waf(
    'Rate-based rule high-level settings in AWS WAF',
    'Evaluation window',
    'waf-rule-statement-type-rate-based-high-level-settings.html',
  ),
  // "Valid settings are 60 (1 minute), 120 (2 minutes), 300 (5 minutes), and 600 (10 minutes), and
  // 300 (5 minutes) is the default." The window is how far back WAF counts, not how often it checks.
  value: [60, 120, 300, 600],
  silent:
    'AWS checks the rate "frequently" and "near the limit", not exactly; the local edge counts exactly (a sliding window of the same length), so it refuses at the limit where AWS may let a few more through.',
});

export const WAF_CLOUDFRONT_SCOPE = rule<{ scope: string; region: string }>({
  id: 'waf/cloudfront-scope',
  source: waf(
    'Resources that you can protect with AWS WAF',
    'Amazon CloudFront distributions',
    'how-aws-waf-works-resources.html',
  ),
  // "you must use the Region US East (N. Virginia) to create your web ACL"; "To configure an
  // association in AWS CloudFormation, you must use the CloudFront distribution configuration."
  value: { scope: 'CLOUDFRONT', region: 'us-east-1' },
});

export const WAF_WEB_ACL_ID_IS_ARN = rule<boolean>({
  id: 'waf/web-acl-id-arn',
  source: {
    guide: 'Amazon CloudFront API Reference',
    page: 'DistributionConfig',
    section: 'WebACLId',
    url: 'https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DistributionConfig.html',
  },
  // "To specify a web ACL created using the latest version of WAF, use the ACL ARN ... To specify a
  // web ACL created using WAF Classic, use the ACL ID". For AWS::WAFv2::WebACL that is GetAtt Arn
  // (its Ref is "name|id|scope", not an ARN).
  value: true,
});

export const WAF_CUSTOM_RESPONSE = rule<{ minStatus: number; maxStatus: number; forbiddenHeader: string }>({
  id: 'waf/custom-response',
  source: waf(
    'Custom responses for Block actions',
    'Use cases',
    'customizing-the-response-for-blocked-requests.html',
  ),
  // "You can specify any header name except for content-type"; CustomResponse.ResponseCode "Valid
  // Range: Minimum value of 200. Maximum value of 599" (AWS WAFV2 API Reference, CustomResponse).
  value: { minStatus: 200, maxStatus: 599, forbiddenHeader: 'content-type' },
  silent:
    'A custom response header is static: WAF cannot compute Retry-After from the time left in the window. edge-auth sends the whole evaluation window, the longest a viewer may have to wait.',
});

export const WAF_CRS_BODY_LIMIT = rule<number>({
  id: 'waf/crs-body-size',
  source: waf(
    'Baseline rule groups',
    'Core rule set (CRS) managed rule group (SizeRestrictions_BODY)',
    'aws-managed-rule-groups-baseline.html',
  ),
  // SizeRestrictions_BODY blocks request bodies over 8 KB; the sign-in body limit
  // (src/login/body.ts MAX_BODY_BYTES) is 8 KB too, so no valid sign-in is blocked by size.
  value: 8 * 1024,
  silent:
    'The CRS body rules (CrossSiteScripting_BODY, GenericLFI_BODY, …) would also judge a password, which is arbitrary text: edge-auth scopes the CRS group away from the sign-in path (a scope-down NOT statement), and sign-in is covered by the rate rule and the known-bad-inputs group instead.',
});

// --- CloudFront Functions edge mode (issue 10) ---
// Code size and runtime: CLOUDFRONT_FUNCTION_MAX_CODE_BYTES and CLOUDFRONT_FUNCTION_RUNTIME above.

const CF_GUIDE = 'Amazon CloudFront Developer Guide';
const RUNTIME_20 = {
  guide: CF_GUIDE,
  page: 'JavaScript runtime 2.0 features for CloudFront Functions',
  url: 'https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-javascript-runtime-20.html',
};

/**
 * Syntax the runtime does not list, as esbuild `supported` flags set to false: esbuild lowers what it
 * can (optional chaining, `??`, optional catch binding) and fails the build on the rest (classes,
 * destructuring, for-of, spread, default parameters, generators), which is the check.
 */
export const CF_FUNCTION_SYNTAX: AwsRule<Record<string, boolean>> = {
  id: 'cf-function/syntax',
  source: {
    ...RUNTIME_20,
    section:
      'Core features (ES 5.1 statements, const/let, async/await, template literals, arrow functions, rest parameters)',
  },
  value: {
    class: false,
    destructuring: false,
    'for-of': false,
    'array-spread': false,
    'object-rest-spread': false,
    'rest-argument': true,
    'default-argument': false,
    generator: false,
    'async-generator': false,
    'for-await': false,
    'object-extensions': false,
    'optional-chain': false,
    'nullish-coalescing': false,
    'logical-assignment': false,
    'optional-catch-binding': false,
    'class-field': false,
    'class-static-field': false,
    'class-private-field': false,
    'regexp-named-capture-groups': false,
    'regexp-lookbehind-assertions': false,
    'regexp-unicode-property-escapes': false,
    bigint: false,
    'top-level-await': false,
    'dynamic-import': false,
    'import-meta': false,
  },
  silent:
    'The page lists what is supported, not what is refused: anything it does not list (destructuring, classes, for-of, spread, optional chaining, ...) is treated as unsupported. It also says async closures are not supported, so only named async function declarations are written.',
};

/** The only modules a function may import (`crypto` for HMAC, `cloudfront` for the KeyValueStore). */
export const CF_FUNCTION_MODULES: AwsRule<string[]> = {
  id: 'cf-function/modules',
  source: { ...RUNTIME_20, section: 'Built-in modules; Restricted features' },
  value: ['crypto', 'cloudfront'],
  silent:
    'The runtime also has `querystring` and `buffer`; edge-auth needs neither, so the build refuses them too (Buffer is used as the global the runtime provides).',
};

/** Globals that do not exist in the runtime (Node.js, timers, network, dynamic code, unlisted built-ins). */
export const CF_FUNCTION_FORBIDDEN_GLOBALS: AwsRule<string[]> = {
  id: 'cf-function/forbidden-globals',
  source: { ...RUNTIME_20, section: 'Restricted features; Globals; Built-in objects' },
  value: [
    'require',
    'process',
    'module',
    'exports',
    'setTimeout',
    'setInterval',
    'setImmediate',
    'clearTimeout',
    'clearInterval',
    'queueMicrotask',
    'eval',
    'Function',
    'fetch',
    'XMLHttpRequest',
    'WebAssembly',
    'SharedArrayBuffer',
    'Atomics',
    'Proxy',
    'Reflect',
    'WeakMap',
    'WeakSet',
    'WeakRef',
    'FinalizationRegistry',
    'Map',
    'Set',
    'Symbol',
    'Intl',
    'TextEncoder',
    'TextDecoder',
    'structuredClone',
    'globalThis',
    'atob',
    'btoa',
  ],
  silent:
    'Map, Set, Symbol, Proxy and Reflect are refused because we could not confirm them on the page; the edge code does not need them.',
};

/** One KeyValueStore per function. */
export const CF_FUNCTION_ONE_KVS: AwsRule<number> = {
  id: 'cf-function/one-key-value-store',
  source: {
    guide: CF_GUIDE,
    page: 'Associate a key value store with a function',
    section: 'A function can have only one key value store',
    url: 'https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/kvs-with-functions-associate.html',
  },
  value: 1,
};

/** `get()` rejects when the key does not exist; the function reads absence as "no entry". */
export const CF_KVS_GET_REJECTS_MISSING: AwsRule<true> = {
  id: 'cf-function/kvs-get-missing-key',
  source: {
    guide: CF_GUIDE,
    page: 'Helper methods for key value stores',
    section: 'get() method: Error handling',
    url: 'https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-custom-methods.html',
  },
  value: true,
};

AWS_RULES.push(
  CF_FUNCTION_SYNTAX,
  CF_FUNCTION_MODULES,
  CF_FUNCTION_FORBIDDEN_GLOBALS,
  CF_FUNCTION_ONE_KVS,
  CF_KVS_GET_REJECTS_MISSING,
);

// --- KeyValueStore, Lambda@Edge request quota (issue 10) ---

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
  KVS_IAM_ACTIONS,
);
