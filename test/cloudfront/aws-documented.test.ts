import * as KeyValueStoreSdk from '@aws-sdk/client-cloudfront-keyvaluestore';
import { transformSync } from 'esbuild';
import { checkFunctionCode } from '../../scripts/build-function';
import * as rules from '../../src/cloudfront/aws-rules';
import { type HeaderList, headerListed } from '../../src/cloudfront/aws-rules';

/**
 * src/cloudfront/aws-rules.ts against AWS's own words. Each expected value below is written out
 * by hand from the page its rule cites (or from AWS's machine-readable model of the KeyValueStore API
 * in @aws-sdk/client-cloudfront-keyvaluestore), never read from the module.
 * A list that loses or gains an entry, or a figure that drifts, fails here. The header lists are
 * as the Developer Guide prints them (same lists in the guide's published source,
 * github.com/awsdocs/amazon-cloudfront-developer-guide, doc_source/add-origin-custom-headers.md
 * and edge-functions-restrictions.md, last published June 2023).
 */

/** A header list as the page prints it: names, and `Prefix-*` for "headers that begin with". */
function printed(list: HeaderList): string[] {
  return [...list.names, ...list.prefixes.map((p) => `${p}*`)].sort();
}
const lowerSorted = (names: string[]) => names.map((n) => n.toLowerCase()).sort();

describe('header lists, as the CloudFront Developer Guide prints them', () => {
  // "Add custom headers to origin requests", "Custom headers that CloudFront can't add to origin requests".
  const ORIGIN_DENYLIST = [
    'Cache-Control',
    'Connection',
    'Content-Length',
    'Cookie',
    'Host',
    'If-Match',
    'If-Modified-Since',
    'If-None-Match',
    'If-Range',
    'If-Unmodified-Since',
    'Max-Forwards',
    'Pragma',
    'Proxy-Authorization',
    'Proxy-Connection',
    'Range',
    'Request-Range',
    'TE',
    'Trailer',
    'Transfer-Encoding',
    'Upgrade',
    'Via',
    'X-Amz-*', // "Headers that begin with X-Amz-"
    'X-Edge-*', // "Headers that begin with X-Edge-"
    'X-Real-Ip',
  ];
  // "Restrictions on all edge functions", "Disallowed headers".
  const EDGE_DISALLOWED = [
    'Connection',
    'Expect',
    'Keep-Alive',
    'Proxy-Authenticate',
    'Proxy-Authorization',
    'Proxy-Connection',
    'Trailer',
    'Upgrade',
    'X-Accel-Buffering',
    'X-Accel-Charset',
    'X-Accel-Limit-Rate',
    'X-Accel-Redirect',
    'X-Amz-Cf-*',
    'X-Amzn-Auth',
    'X-Amzn-Cf-Billing',
    'X-Amzn-Cf-Id',
    'X-Amzn-Cf-Xff',
    'X-Amzn-Errortype',
    'X-Amzn-Fle-Profile',
    'X-Amzn-Header-Count',
    'X-Amzn-Header-Order',
    'X-Amzn-Lambda-Integration-Tag',
    'X-Amzn-RequestId',
    'X-Cache',
    'X-Edge-*',
    'X-Forwarded-Proto',
    'X-Real-IP',
  ];
  // Same page, "Read-only headers in viewer request events".
  const READ_ONLY_VIEWER_REQUEST = ['Content-Length', 'Host', 'Transfer-Encoding', 'Via'];

  it.each([
    ['origin-custom-headers/denylist', rules.ORIGIN_CUSTOM_HEADER_DENYLIST.value, ORIGIN_DENYLIST],
    ['edge-functions/disallowed-headers', rules.EDGE_DISALLOWED_HEADERS.value, EDGE_DISALLOWED],
  ] as const)('%s holds exactly the printed list', (_id, list, documented) => {
    expect(printed(list)).toEqual(lowerSorted([...documented]));
  });

  it.each([
    ['origin-custom-headers/denylist', rules.ORIGIN_CUSTOM_HEADER_DENYLIST.value, ORIGIN_DENYLIST],
    ['edge-functions/disallowed-headers', rules.EDGE_DISALLOWED_HEADERS.value, EDGE_DISALLOWED],
  ] as const)(
    '%s lists every printed name in any case, and any name under a printed prefix',
    (_id, list, documented) => {
      for (const name of documented) {
        const header = name.endsWith('*') ? `${name.slice(0, -1)}Anything` : name;
        expect([header, headerListed(list, header)]).toEqual([header, true]);
        expect(headerListed(list, header.toUpperCase())).toBe(true);
      }
    },
  );

  it('lists no header the pages leave free, the ones edge-auth uses among them', () => {
    for (const list of [rules.ORIGIN_CUSTOM_HEADER_DENYLIST.value, rules.EDGE_DISALLOWED_HEADERS.value]) {
      for (const name of [
        'x-auth-origin-secret',
        'x-auth-viewer-host',
        'x-auth-viewer-ip',
        'authorization',
        'x-amzn',
      ]) {
        expect([name, headerListed(list, name)]).toEqual([name, false]);
      }
    }
    // The prefixes are prefixes: a name that only contains one is free.
    expect(headerListed(rules.ORIGIN_CUSTOM_HEADER_DENYLIST.value, 'my-x-edge-thing')).toBe(false);
  });

  it('edge-functions/read-only-viewer-request-headers holds exactly the printed list', () => {
    expect([...rules.EDGE_READ_ONLY_VIEWER_REQUEST.value].sort()).toEqual(
      lowerSorted(READ_ONLY_VIEWER_REQUEST),
    );
  });

  it('lambda-edge/viewer-request-cloudfront-viewer-country names the header in lower case', () => {
    expect(rules.LAMBDA_EDGE_VIEWER_COUNTRY.value).toBe('cloudfront-viewer-country');
  });
});

describe('figures, as the pages print them', () => {
  it.each([
    // "Quotas", "Quotas on Lambda@Edge": viewer request and response events.
    [
      'lambda-edge/viewer-event-quotas',
      rules.LAMBDA_EDGE_VIEWER_LIMITS.value,
      // 128 MB; 5 seconds; 40 KB generated response; 1 MB compressed function (KB and MB as 1,024).
      { memoryMb: 128, timeoutSeconds: 5, generatedResponseBytes: 40_960, zippedCodeBytes: 1_048_576 },
    ],
    ['lambda-edge/requests-per-second-per-region', rules.LAMBDA_EDGE_RPS_PER_REGION.value, 10_000],
    // "Quotas", "General quotas": 8,192 bytes; 20,480 bytes.
    ['cloudfront/max-url-length', rules.CLOUDFRONT_MAX_URL_BYTES.value, 8_192],
    ['cloudfront/max-request-length', rules.CLOUDFRONT_MAX_REQUEST_BYTES.value, 20_480],
    // "Restrictions on all edge functions", "URI": less than 8,192 characters.
    ['edge-functions/uri-and-query-length', rules.LAMBDA_EDGE_URI_MAX.value, 8_192],
    // "Quotas on CloudFront Functions": maximum function size 10 KB.
    ['cloudfront-functions/function-size', rules.CLOUDFRONT_FUNCTION_MAX_CODE_BYTES.value, 10_240],
    ['cloudfront-functions/runtime', rules.CLOUDFRONT_FUNCTION_RUNTIME.value, 'cloudfront-js-2.0'],
    // Lambda function URLs, BUFFERED: "The maximum payload size is 6 MB".
    ['lambda/function-url-buffered-payload', rules.FUNCTION_URL_MAX_PAYLOAD_BYTES.value, 6_291_456],
    // "Work with requests and responses", generated responses: status 200-599; 204 has no body.
    ['lambda-edge/generated-response-status', rules.GENERATED_RESPONSE_STATUS.value, { min: 200, max: 599 }],
    ['lambda-edge/generated-response-204-without-body', rules.GENERATED_RESPONSE_204_BODY.value, 204],
    // "File format for key-value pairs": keys 512 characters, values 1,024, the store 5 MB.
    ['kvs/key-max-characters', rules.KVS_KEY_MAX_CHARACTERS.value, 512],
    ['kvs/value-max-bytes', rules.KVS_VALUE_MAX_BYTES.value, 1_024],
    ['kvs/store-max-bytes', rules.KVS_STORE_MAX_BYTES.value, 5_000_000],
    ['cf-function/one-key-value-store', rules.CF_FUNCTION_ONE_KVS.value, 1],
    ['cf-function/kvs-get-missing-key', rules.CF_KVS_GET_REJECTS_MISSING.value, true],
    // "Quotas on response headers policies" (see the entry's note on this figure).
    ['response-headers/csp-max-length', rules.CSP_MAX_LENGTH.value, 1_783],
    // AWS WAF rate-based rules: lowest limit 10; windows 60, 120, 300, 600 seconds.
    ['waf/rate-limit-minimum', rules.WAF_RATE_LIMIT_MIN.value, 10],
    ['waf/evaluation-windows', rules.WAF_EVALUATION_WINDOWS.value, [60, 120, 300, 600]],
    ['waf/cloudfront-scope', rules.WAF_CLOUDFRONT_SCOPE.value, { scope: 'CLOUDFRONT', region: 'us-east-1' }],
    ['waf/web-acl-id-arn', rules.WAF_WEB_ACL_ID_IS_ARN.value, true],
    [
      'waf/custom-response',
      rules.WAF_CUSTOM_RESPONSE.value,
      { minStatus: 200, maxStatus: 599, forbiddenHeader: 'content-type' },
    ],
    // Core rule set, SizeRestrictions_BODY: 8 KB.
    ['waf/crs-body-size', rules.WAF_CRS_BODY_LIMIT.value, 8_192],
    // "Set signed cookies using a custom policy" / "Create a signed URL using a custom policy".
    ['signed-policy/cookie-resource-optional', rules.COOKIE_POLICY_RESOURCE_OPTIONAL.value, true],
    [
      'signed-policy/cookie-resource-scheme',
      rules.COOKIE_POLICY_RESOURCE_SCHEMES.value,
      ['http://', 'https://'],
    ],
    ['signed-policy/ip-address-ipv4', rules.COOKIE_POLICY_IP_IPV4_ONLY.value, true],
    ['signed-policy/url-ip-address-ipv4', rules.SIGNED_URL_IP_IPV4_ONLY.value, true],
    // "Restrict access to an Amazon S3 origin".
    [
      'origin-access/oac-origin',
      rules.OAC_ORIGIN.value,
      { originAccessIdentity: '', originType: 's3', signingProtocol: 'sigv4' },
    ],
    [
      'origin-access/oac-bucket-policy',
      rules.OAC_BUCKET_POLICY.value,
      { principal: 'cloudfront.amazonaws.com', conditionKey: 'AWS:SourceArn' },
    ],
    ['origin-access/migration', rules.OAI_TO_OAC_MIGRATION.value, ['oai', 'oai+oac', 'oac']],
    // "Restrictions on Lambda@Edge", "Lambda features": no environment, layers, VPC; x86_64; .zip.
    [
      'lambda-edge/unsupported-lambda-features',
      rules.LAMBDA_EDGE_UNSUPPORTED_FEATURES.value,
      { environment: false, layers: false, vpc: false, architectures: ['x86_64'], packageType: 'Zip' },
    ],
    ['s3/plus-in-path', rules.S3_PLUS_IN_PATH.value, { rawPlus: ' ', encodedPlus: '+' }],
    [
      'viewer-tls/minimum-protocol',
      rules.VIEWER_MIN_TLS.value,
      { accepted: ['TLSv1.2_2025', 'TLSv1.3_2025'], chosen: 'TLSv1.2_2025', defaultCertificate: 'TLSv1' },
    ],
  ] as const)('%s', (_id, value, documented) => {
    expect(value).toEqual(documented);
  });

  it('lambda-edge/supported-runtimes: Node.js and Python runtimes, the one edge-auth deploys among them', () => {
    expect(rules.LAMBDA_EDGE_RUNTIMES.value).toContain('nodejs22.x');
    for (const runtime of rules.LAMBDA_EDGE_RUNTIMES.value)
      expect(runtime).toMatch(/^(nodejs\d\d\.x|python3\.\d\d)$/);
    expect(new Set(rules.LAMBDA_EDGE_RUNTIMES.value).size).toBe(6);
  });
});

describe('the KeyValueStore API model', () => {
  // AWS::CloudFront::ResponseHeadersPolicy FrameOptions.FrameOption and ReferrerPolicy.ReferrerPolicy:
  // "Valid values are …" (test/infra/aws-spec-values.test.ts reads the same lists from the
  // CloudFormation specification itself; kept apart because loading it takes seconds).
  it('response-headers/security-header-values: the frame options and referrer policies CloudFront takes', () => {
    expect(rules.SECURITY_HEADER_VALUES.value).toEqual({
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
    });
  });

  it('kvs/iam-actions: one action per KeyValueStore API operation, as the SDK client names them', () => {
    const operations = Object.keys(KeyValueStoreSdk)
      .filter((k) => /^[A-Z]\w+Command$/.test(k))
      .map((k) => `cloudfront-keyvaluestore:${k.slice(0, -'Command'.length)}`)
      .sort();
    expect(operations.length).toBe(6);
    expect([...rules.KVS_IAM_ACTIONS.value].sort()).toEqual(operations);
  });
});

describe('the CloudFront Functions runtime, as the build applies it', () => {
  const OK = 'async function handler(event){return event.request}';

  it('cf-function/modules: imports crypto and cloudfront, and nothing else', () => {
    expect(checkFunctionCode(`import crypto from "crypto";import cf from "cloudfront";${OK}`)).toEqual([]);
    for (const other of ['querystring', 'buffer', 'fs', 'node:crypto']) {
      expect(checkFunctionCode(`import m from "${other}";${OK}`)).toEqual([
        expect.stringContaining(`imports "${other}"`),
      ]);
    }
  });

  // Globals the runtime does not have ("Restricted features"; "Globals"; "Built-in objects").
  const MISSING_GLOBALS = [
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
  ];
  it.each(MISSING_GLOBALS)('cf-function/forbidden-globals: refuses code that uses %s', (name) => {
    expect(checkFunctionCode(`var v = ${name};${OK}`)).toEqual([expect.stringContaining(`uses ${name}:`)]);
  });

  it('cf-function/forbidden-globals: refuses no global the runtime has', () => {
    const used =
      'var a = [JSON, Math, Date, Object, Array, String, Number, Promise, RegExp, Buffer, encodeURIComponent];';
    expect(checkFunctionCode(`${used}${OK}`)).toEqual([]);
    expect([...rules.CF_FUNCTION_FORBIDDEN_GLOBALS.value].sort()).toEqual([...MISSING_GLOBALS].sort());
  });

  // cf-function/syntax: what the runtime page does not list either fails the build or is rewritten.
  const build = (code: string) =>
    transformSync(code, { supported: rules.CF_FUNCTION_SYNTAX.value, target: 'es2020', format: 'esm' }).code;
  it.each([
    ['class', 'class A {}'],
    ['destructuring', 'var { a } = o;'],
    ['for-of', 'for (var x of y) {}'],
    ['array spread', 'f([...a]);'],
    ['default parameters', 'function f(a = 1) { return a; }'],
    ['generators', 'function* g() { yield 1; }'],
    ['object literal extensions', 'var o = { a() {}, [k]: 1, b };'],
    ['top-level await', 'await f();'],
  ])('does not build %s', (_name, code) => {
    expect(() => build(code)).toThrow(/configured target environment/);
  });

  it.each([
    ['optional chaining', 'var v = a?.b;', '?.'],
    ['nullish coalescing', 'var v = a ?? b;', '??'],
    ['logical assignment', 'a ||= b;', '||='],
    ['an optional catch binding', 'try { f(); } catch { g(); }', 'catch {'],
    ['object spread', 'var b = { ...a };', '...'],
    ['a named capture group literal', 'var r = /(?<y>a)/;', '/(?<y>a)/'],
    ['a lookbehind literal', 'var r = /(?<=a)b/;', '/(?<=a)b/'],
    ['a Unicode property escape literal', 'var r = /\\p{L}/u;', '/\\p{L}/u'],
    ['a BigInt literal', 'var n = 1n;', '1n'],
    ['dynamic import', 'import("x");', 'import('],
    ['import.meta', 'var u = import.meta.url;', 'import.meta'],
  ])('rewrites %s into what the runtime runs', (_name, code, syntax) => {
    expect(build(code)).not.toContain(syntax);
  });

  it('keeps rest parameters, which the runtime page lists', () => {
    expect(build('function f(...a) { return a; }')).toContain('...a');
  });
});
