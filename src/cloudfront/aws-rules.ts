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

// --- CloudFront Functions edge mode (issue 10) ---

const CF_GUIDE = 'Amazon CloudFront Developer Guide';
const RUNTIME_20 = {
  guide: CF_GUIDE,
  page: 'JavaScript runtime 2.0 features for CloudFront Functions',
  url: 'https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-javascript-runtime-20.html',
};

/** The runtime the `function` edge mode's function declares (KeyValueStore and `async` need 2.0). */
export const CF_FUNCTION_RUNTIME: AwsRule<string> = {
  id: 'cf-function/runtime',
  source: {
    guide: 'AWS CloudFormation Template Reference',
    page: 'AWS::CloudFront::Function FunctionConfig',
    section: 'Runtime',
    url: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-cloudfront-function-functionconfig.html',
  },
  value: 'cloudfront-js-2.0',
};

/** Maximum function code size. */
export const CF_FUNCTION_MAX_BYTES: AwsRule<number> = {
  id: 'cf-function/max-size',
  source: {
    guide: CF_GUIDE,
    page: 'Quotas',
    section: 'Quotas on CloudFront Functions (Maximum size of a function: 10 KB)',
    url: 'https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html#limits-functions',
  },
  value: 10_000,
  silent:
    'The page says "10 KB" without saying 1,000 or 1,024: we hold the function to 10,000 bytes, the stricter reading.',
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
  CF_FUNCTION_RUNTIME,
  CF_FUNCTION_MAX_BYTES,
  CF_FUNCTION_SYNTAX,
  CF_FUNCTION_MODULES,
  CF_FUNCTION_FORBIDDEN_GLOBALS,
  CF_FUNCTION_ONE_KVS,
  CF_KVS_GET_REJECTS_MISSING,
);
