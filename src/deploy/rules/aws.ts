/**
 * Template rules that come straight from AWS's documentation: each reads its value from
 * src/cloudfront/aws-rules.ts and names that entry's page and section as its source, so a
 * template CloudFront or Lambda would refuse fails `npm test` instead of the first deploy.
 */
import {
  CLOUDFRONT_FUNCTION_MAX_CODE_BYTES,
  CLOUDFRONT_FUNCTION_RUNTIME,
  citeRule,
  EDGE_DISALLOWED_HEADERS,
  headerListed,
  ORIGIN_CUSTOM_HEADER_DENYLIST,
} from '../../cloudfront/aws-rules';
import {
  compileCloudFrontFunction,
  fromFunctionResult,
  toFunctionEvent,
} from '../../local/cloudfront-function';
import {
  branches,
  defineRule,
  distributionOf,
  type Json,
  type Obj,
  ofType,
  type Template,
  type TemplateRule,
} from './template-json';

/** Every CloudFront Function of the template with its code, when the code is a literal. */
const functionsOf = (template: Template) =>
  ofType(template, 'AWS::CloudFront::Function').map(([id, r]) => {
    const p = r.Properties ?? {};
    return {
      id,
      code: typeof p.FunctionCode === 'string' ? p.FunctionCode : undefined,
      config: p.FunctionConfig as Obj,
    };
  });

/**
 * The headers a CloudFront Function adds to a sample viewer request, by running its code from the
 * template in the local edge's sandbox (the same one `npm start` uses).
 */
export function headersAddedByFunction(code: string, id: string): { added: string[]; invalid?: string } {
  const handler = compileCloudFrontFunction(code, id);
  const event = toFunctionEvent({
    method: 'GET',
    target: '/auth/session?x=1',
    rawHeaders: [
      'Host',
      'd111111abcdef8.cloudfront.net',
      'User-Agent',
      'edge-auth-template-check',
      'Cookie',
      'a=1',
    ],
    clientIp: '203.0.113.9',
    distributionDomainName: 'd111111abcdef8.cloudfront.net',
    distributionId: 'EDFDVBD6EXAMPLE',
    requestId: 'template-check',
  });
  const original = structuredClone(event.request);
  const result = handler(event) as { headers?: Record<string, unknown> } | undefined;
  const added = Object.keys(result?.headers ?? {}).filter(
    (name) => !(name.toLowerCase() in original.headers),
  );
  const outcome = fromFunctionResult(result, original, '/auth/session?x=1');
  return { added, invalid: outcome.kind === 'invalid' ? outcome.reason : undefined };
}

/** The literal header names of a list property that may be wrapped in Fn::If. */
const literalNames = (items: Json | undefined, key: string): string[] =>
  branches(items ?? [])
    .flatMap((b) => (Array.isArray(b) ? b : []))
    .flatMap((h) => (h && typeof h === 'object' && !Array.isArray(h) ? [h[key]] : []))
    .filter((n): n is string => typeof n === 'string');

export const AWS_TEMPLATE_RULES: TemplateRule[] = [
  defineRule(
    'origin/custom-header-names',
    citeRule(ORIGIN_CUSTOM_HEADER_DENYLIST),
    (template, _options, fail) => {
      const d = distributionOf(template);
      for (const origin of d?.origins ?? []) {
        for (const name of literalNames(origin.OriginCustomHeaders as Json, 'HeaderName')) {
          if (headerListed(ORIGIN_CUSTOM_HEADER_DENYLIST.value, name))
            fail(
              d!.where(`Origins.${String(origin.Id)}`),
              `origin ${String(origin.Id)} adds the custom header "${name}", which CloudFront refuses to add to origin requests (${citeRule(ORIGIN_CUSTOM_HEADER_DENYLIST)})`,
            );
        }
      }
    },
  ),
  defineRule(
    'cloudfront-function/added-headers',
    citeRule(EDGE_DISALLOWED_HEADERS),
    (template, _options, fail) => {
      for (const fn of functionsOf(template)) {
        if (fn.code === undefined) continue;
        // A function that imports runtime modules (the function edge mode's MediaSessionFunction)
        // is async and reads a KeyValueStore: this synchronous check cannot run it. The edge test
        // vectors run it instead (test/edge/shared-vectors.test.ts: the request goes on unchanged).
        if (/^import\s/m.test(fn.code)) continue;
        let checked: ReturnType<typeof headersAddedByFunction>;
        try {
          checked = headersAddedByFunction(fn.code, fn.id);
        } catch (error) {
          fail(
            fn.id,
            `${fn.id}: the function code does not run on a sample viewer request (${(error as Error).message})`,
          );
          continue;
        }
        if (checked.invalid) fail(fn.id, `${fn.id}: CloudFront would answer 502: ${checked.invalid}`);
        for (const name of checked.added) {
          if (!/^x-auth-/.test(name.toLowerCase()))
            fail(
              fn.id,
              `${fn.id} adds "${name}": headers of ours start with x-auth- (never x-edge- or x-amz-)`,
            );
        }
      }
    },
  ),
  defineRule(
    'cloudfront-function/code-size',
    citeRule(CLOUDFRONT_FUNCTION_MAX_CODE_BYTES),
    (template, _options, fail) => {
      const max = CLOUDFRONT_FUNCTION_MAX_CODE_BYTES.value;
      for (const fn of functionsOf(template)) {
        const size = fn.code === undefined ? 0 : Buffer.byteLength(fn.code);
        if (size > max)
          fail(
            fn.id,
            `${fn.id}: function code is ${size} bytes, over the ${max}-byte CloudFront Functions limit (${citeRule(CLOUDFRONT_FUNCTION_MAX_CODE_BYTES)})`,
          );
      }
    },
  ),
  defineRule(
    'cloudfront-function/runtime',
    citeRule(CLOUDFRONT_FUNCTION_RUNTIME),
    (template, _options, fail) => {
      for (const fn of functionsOf(template)) {
        if (fn.config?.Runtime !== CLOUDFRONT_FUNCTION_RUNTIME.value)
          fail(
            fn.id,
            `${fn.id}: runtime ${String(fn.config?.Runtime)}; the local edge and KeyValueStore need ${CLOUDFRONT_FUNCTION_RUNTIME.value} (${citeRule(CLOUDFRONT_FUNCTION_RUNTIME)})`,
          );
      }
    },
  ),
  defineRule(
    'response-headers/custom-header-names',
    'AWS documents no denylist for response headers policy custom headers (CloudFront API Reference, ResponseHeadersPolicyCustomHeader); this project keeps its own header names off the x-edge-/x-amz- prefixes CloudFront reserves elsewhere',
    (template, _options, fail) => {
      for (const [id, policy] of ofType(template, 'AWS::CloudFront::ResponseHeadersPolicy')) {
        const config = (policy.Properties?.ResponseHeadersPolicyConfig ?? {}) as Obj;
        const items = (config.CustomHeadersConfig as Obj | undefined)?.Items as Json | undefined;
        for (const name of literalNames(items, 'Header')) {
          if (/^x-(edge|amz)-/i.test(name))
            fail(id, `${id} sets the response header "${name}", a name reserved by AWS`);
          if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name))
            fail(id, `${id}: "${name}" is not an HTTP header name`);
        }
      }
    },
  ),
];
