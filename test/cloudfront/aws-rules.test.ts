import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { transformSync } from 'esbuild';
import { DEFAULT_AUDIENCE, estimate } from '../../bench/scale-model';
import { checkFunctionCode } from '../../scripts/build-function';
import {
  AWS_RULES,
  type AwsRule,
  CF_FUNCTION_SYNTAX,
  CSP_MAX_LENGTH,
  citeRule,
} from '../../src/cloudfront/aws-rules';
import { resolveSettings } from '../../src/config/settings';
import { checkKvsEntry, checkStoreBytes } from '../../src/deploy/kvs-store';
import { checkStructure, type Template } from '../../src/deploy/template-rules';
import { applyViewerRequestResult, toViewerRequestEvent } from '../../src/local/cloudfront-event';
import { fromFunctionResult, toFunctionEvent } from '../../src/local/cloudfront-function';
import { keyFromUri } from '../../src/local/origin';
import { refusedOriginHeaders } from '../../src/local/server';

// Every AWS rule the project relies on, where it is enforced, and a probe that breaks it there.
// Removing an entry from AWS_RULES (or adding one without saying where it is enforced) fails here.

const ROOT = join(__dirname, '../..');

// A small template that breaks every AWS rule the template rules enforce.
const BROKEN: Template = {
  Resources: {
    Dist: {
      Type: 'AWS::CloudFront::Distribution',
      Properties: {
        DistributionConfig: {
          Origins: [
            {
              Id: 'o',
              DomainName: 'example.com',
              CustomOriginConfig: {},
              OriginCustomHeaders: [{ HeaderName: 'X-Edge-Auth', HeaderValue: '1' }],
            },
          ],
          CacheBehaviors: [
            {
              PathPattern: '/media/*',
              TargetOriginId: 'o',
              LambdaFunctionAssociations: [{ EventType: 'viewer-request', LambdaFunctionARN: { Ref: 'V' } }],
            },
          ],
        },
      },
    },
    V: { Type: 'AWS::Lambda::Version', Properties: { FunctionName: { Ref: 'F' } } },
    F: {
      Type: 'AWS::Lambda::Function',
      Properties: {
        Runtime: 'java21',
        MemorySize: 256,
        Timeout: 10,
        Environment: { Variables: { A: '1' } },
        Architectures: ['arm64'],
      },
    },
    Fn: {
      Type: 'AWS::CloudFront::Function',
      Properties: {
        FunctionCode: `function handler(e){var r=e.request;r.headers['x-edge-foo']={value:'1'};return r;}//${'x'.repeat(10 * 1024)}`,
        FunctionConfig: { Runtime: 'cloudfront-js-1.0' },
      },
    },
  },
};
const broken = checkStructure(BROKEN, {
  mediaPathPattern: '/media/*',
  authPathPattern: '/auth/*',
  bindIp: false,
});
const templateRule = (name: string) => () => {
  const v = broken.find((x) => x.rule === name);
  return v !== undefined && typeof v.source === 'string' && v.source.length > 0;
};

const lambdaEvent = (headers: string[] = ['Host', 'd111111abcdef8.cloudfront.net']) =>
  toViewerRequestEvent({
    method: 'GET',
    target: '/media/a.ts',
    rawHeaders: headers,
    clientIp: '203.0.113.9',
    distributionDomainName: 'd111111abcdef8.cloudfront.net',
    distributionId: 'E1',
    requestId: 'r',
  }).Records[0]!.cf.request;
const lambdaResult = (result: unknown) => applyViewerRequestResult(result, lambdaEvent()).kind === 'invalid';
const lambdaAdds = (name: string) => {
  const req = lambdaEvent();
  return lambdaResult({ ...req, headers: { ...req.headers, [name]: [{ key: name, value: 'x' }] } });
};
const fnEvent = (headers: string[] = ['Host', 'example.com']) =>
  toFunctionEvent({
    method: 'GET',
    target: '/auth/x',
    rawHeaders: headers,
    clientIp: '203.0.113.9',
    distributionDomainName: 'd',
    distributionId: 'E1',
    requestId: 'r',
  });
const functionAdds = (name: string, value = 'x') => {
  const e = fnEvent();
  const original = structuredClone(e.request);
  return (
    fromFunctionResult(
      { ...e.request, headers: { ...e.request.headers, [name]: { value } } },
      original,
      '/auth/x',
    ).kind === 'invalid'
  );
};
const refuses = (run: () => void) => () => {
  try {
    run();
    return false;
  } catch {
    return true;
  }
};
const testNamed = (file: string, name: string) => () => readFileSync(join(ROOT, file), 'utf8').includes(name);

type Probe = [place: string, breaks: () => boolean];
const OK_FUNCTION = 'async function handler(event){return event.request}';

/**
 * Entries that only document a fact: `waf/crs-body-size` is exported as CRS_BODY_LIMIT by
 * src/config/waf.ts and nothing enforces or tests it (issue 9's part; reported to the lead).
 */
const DOCUMENTED_ONLY = ['waf/crs-body-size'];

/** True when a stage with these settings is refused (the settings validation enforces the rule). */
const settingsRefuse = (stage: Record<string, unknown>) => {
  const raw = JSON.parse(readFileSync(join(ROOT, 'config', 'settings.json'), 'utf8'));
  try {
    resolveSettings('probe', { ...raw, stages: { probe: stage } });
    return false;
  } catch {
    return true;
  }
};

const ENFORCED: Record<string, Probe[]> = {
  'origin-custom-headers/denylist': [
    ['template rule origin/custom-header-names', templateRule('origin/custom-header-names')],
    ['local edge origin requests', () => refusedOriginHeaders(['X-Edge-A', 'x-amz-b', 'Via']).length === 3],
  ],
  'edge-functions/disallowed-headers': [
    ['local edge: CloudFront Function adds one', () => functionAdds('x-edge-foo')],
    ['local edge: Lambda@Edge adds one', () => lambdaAdds('x-forwarded-proto')],
    [
      'local edge: not shown to a CloudFront Function',
      () => !('x-amz-cf-id' in fnEvent(['X-Amz-Cf-Id', '1']).request.headers),
    ],
    [
      'local edge: not shown to Lambda@Edge',
      () => !('connection' in lambdaEvent(['Connection', 'close']).headers),
    ],
    ['template rule cloudfront-function/added-headers', templateRule('cloudfront-function/added-headers')],
  ],
  'edge-functions/read-only-viewer-request-headers': [
    ['local edge: CloudFront Function writes Host', () => functionAdds('host', 'evil.example')],
    ['local edge: Lambda@Edge adds Via', () => lambdaAdds('via')],
  ],
  'lambda-edge/viewer-request-cloudfront-viewer-country': [
    ['local edge: Lambda@Edge adds it', () => lambdaAdds('cloudfront-viewer-country')],
    [
      'local edge: a viewer-sent copy is visible',
      () => 'cloudfront-viewer-country' in lambdaEvent(['CloudFront-Viewer-Country', 'NZ']).headers,
    ],
  ],
  'lambda-edge/generated-response-status': [
    ['local edge: status 600', () => lambdaResult({ status: '600' }) && !lambdaResult({ status: 200 })],
  ],
  'lambda-edge/generated-response-204-without-body': [
    [
      'local edge: 204 with a body',
      () => lambdaResult({ status: '204', body: 'x' }) && !lambdaResult({ status: '204' }),
    ],
  ],
  'lambda-edge/viewer-event-quotas': [
    [
      'local edge: generated response over 40 KB',
      () => lambdaResult({ status: '200', body: 'x'.repeat(41 * 1024) }),
    ],
    ['template rule edge/memory', templateRule('edge/memory')],
    ['template rule edge/timeout', templateRule('edge/timeout')],
    ['template test: edge zip size', testNamed('test/infra/template.test.ts', 'zippedCodeBytes')],
  ],
  'edge-functions/uri-and-query-length': [
    [
      'local edge: URI of 8,192 characters',
      () => lambdaResult({ ...lambdaEvent(), uri: `/${'a'.repeat(8191)}` }),
    ],
  ],
  'lambda-edge/unsupported-lambda-features': [
    ['template rule edge/no-environment', templateRule('edge/no-environment')],
    ['template rule edge/architecture', templateRule('edge/architecture')],
  ],
  'lambda-edge/supported-runtimes': [['template rule edge/runtime', templateRule('edge/runtime')]],
  'cloudfront-functions/function-size': [
    ['template rule cloudfront-function/code-size', templateRule('cloudfront-function/code-size')],
  ],
  'cloudfront-functions/runtime': [
    ['template rule cloudfront-function/runtime', templateRule('cloudfront-function/runtime')],
  ],
  'lambda/function-url-buffered-payload': [
    [
      'local edge: 413 over 6 MB',
      testNamed('test/local/emulator-rules.test.ts', 'over the 6 MB function URL payload'),
    ],
  ],
  'signed-policy/cookie-resource-optional': [
    ['verifier', testNamed('test/cloudfront/verifier.test.ts', 'signed-policy/cookie-resource-optional')],
  ],
  'signed-policy/cookie-resource-scheme': [
    ['verifier', testNamed('test/cloudfront/verifier.test.ts', 'signed-policy/cookie-resource-scheme')],
  ],
  'signed-policy/url-ip-address-ipv4': [
    ['verifier', testNamed('test/cloudfront/verifier.test.ts', 'signed-policy/url-ip-address-ipv4')],
    ['signer', testNamed('test/cloudfront/signer.test.ts', 'signed-policy/url-ip-address-ipv4')],
  ],
  'signed-policy/ip-address-ipv4': [
    ['verifier', testNamed('test/cloudfront/verifier.test.ts', 'signed-policy/ip-address-ipv4')],
    ['signer', testNamed('test/cloudfront/signer.test.ts', 'signed-policy/ip-address-ipv4')],
    ['template rule distribution/ipv6', testNamed('test/infra/template.test.ts', "'distribution/ipv6'")],
  ],
  // --- origin access, response headers policy, viewer TLS (issue 8 part B) ---
  'origin-access/oac-origin': [
    [
      'template rule origin-access/variant (mutations of an OAC stage)',
      testNamed('test/infra/recommended-stack.test.ts', "'origin-access/variant'"),
    ],
  ],
  'origin-access/oac-bucket-policy': [
    [
      'template rule bucket/policy-principal-oac (mutations of an OAC stage)',
      testNamed('test/infra/recommended-stack.test.ts', "'bucket/policy-principal-oac'"),
    ],
  ],
  'origin-access/migration': [
    ['settings: originAccess outside the migration steps', () => settingsRefuse({ originAccess: 'oac-now' })],
  ],
  'response-headers/csp-max-length': [
    [
      'settings: a CSP over the quota',
      () =>
        settingsRefuse({
          responseHeaders: {
            contentSecurityPolicy: `frame-ancestors 'none'; img-src ${'x'.repeat(CSP_MAX_LENGTH.value)}`,
          },
        }),
    ],
    [
      'template rule pages/security-headers',
      testNamed('test/infra/recommended-stack.test.ts', 'a CSP longer than CloudFront takes'),
    ],
  ],
  'response-headers/security-header-values': [
    [
      'settings: a frame option CloudFront lacks',
      () => settingsRefuse({ responseHeaders: { frameOptions: 'ALLOWALL' } }),
    ],
    [
      'settings: a referrer policy CloudFront lacks',
      () => settingsRefuse({ responseHeaders: { referrerPolicy: 'never' } }),
    ],
  ],
  'viewer-tls/minimum-protocol': [
    [
      'template rule distribution/minimum-tls',
      () =>
        checkStructure(
          {
            Resources: {
              Dist: {
                Type: 'AWS::CloudFront::Distribution',
                Properties: {
                  DistributionConfig: {
                    ViewerCertificate: {
                      AcmCertificateArn: 'arn:aws:acm:us-east-1:1:certificate/x',
                      SslSupportMethod: 'sni-only',
                      MinimumProtocolVersion: 'TLSv1.2_2021',
                    },
                  },
                },
              },
            },
          },
          { mediaPathPattern: '/media/*', authPathPattern: '/auth/*', bindIp: false },
        ).some((v) => v.rule === 'distribution/minimum-tls'),
    ],
  ],
  // Issue 9's entries (the issue-9 helper's rules and tests).
  'cloudfront/max-url-length': [
    ['wildcard matcher bound', testNamed('test/cloudfront/wildcard-hostile.test.ts', 'MAX_MATCH_URL_LENGTH')],
  ],
  'cloudfront/max-request-length': [
    ['wildcard matcher bound', testNamed('test/cloudfront/wildcard-hostile.test.ts', 'MAX_RESOURCE_LENGTH')],
  ],
  's3/plus-in-path': [['local origin keys', () => keyFromUri('/media/a+b%2Bc.ts') === 'media/a b+c.ts']],
  'kvs/key-max-characters': [
    [
      'KeyValueStore client and .local/kvs.json',
      refuses(() => checkKvsEntry({ key: 'k'.repeat(513), value: 'v' })),
    ],
  ],
  'kvs/value-max-bytes': [
    [
      'KeyValueStore client and .local/kvs.json',
      refuses(() => checkKvsEntry({ key: 'k', value: 'é'.repeat(513) })),
    ],
  ],
  'kvs/store-max-bytes': [['.local/kvs.json writes', refuses(() => checkStoreBytes(5_000_001))]],
  'kvs/iam-actions': [
    ['template rule kvs/iam-scoped', testNamed('test/infra/kvs-breaks.ts', "'kvs/iam-scoped'")],
  ],
  'lambda-edge/requests-per-second-per-region': [
    [
      'scale model (docs/scale.md)',
      () => estimate({ ...DEFAULT_AUDIENCE, viewers: 20_001, hours: 1 }).lambda.quotaUse > 1,
    ],
  ],
  'waf/rate-limit-minimum': [
    [
      'template rule waf/sign-in-rate-limit',
      testNamed('test/infra/waf-breaks.ts', "'waf/sign-in-rate-limit'"),
    ],
  ],
  'waf/evaluation-windows': [
    [
      'template rule waf/sign-in-rate-limit',
      testNamed('test/infra/waf-breaks.ts', "'waf/sign-in-rate-limit'"),
    ],
  ],
  'waf/cloudfront-scope': [
    ['template rule waf/cloudfront-scope', testNamed('test/infra/waf-breaks.ts', "'waf/cloudfront-scope'")],
  ],
  'waf/web-acl-id-arn': [
    [
      'template rule waf/distribution-web-acl',
      testNamed('test/infra/waf-breaks.ts', "'waf/distribution-web-acl'"),
    ],
  ],
  'waf/custom-response': [
    [
      'template rule waf/rate-limit-response',
      testNamed('test/infra/waf-breaks.ts', "'waf/rate-limit-response'"),
    ],
  ],
  // --- the function edge mode (issue 10): the CloudFront Function build and the local edge ---
  'cf-function/syntax': [
    [
      'function build: a class does not build',
      () => {
        try {
          transformSync('export class A {}', { supported: CF_FUNCTION_SYNTAX.value, target: 'es2020' });
          return false;
        } catch {
          return true;
        }
      },
    ],
  ],
  'cf-function/modules': [
    [
      'function build: an import of fs',
      () => checkFunctionCode(`import fs from "fs";${OK_FUNCTION}`).some((p) => p.includes('"fs"')),
    ],
  ],
  'cf-function/forbidden-globals': [
    [
      'function build: a Map',
      () => checkFunctionCode(`var m=new Map;${OK_FUNCTION}`).some((p) => p.includes('uses Map')),
    ],
  ],
  'cf-function/one-key-value-store': [
    [
      'template rule function-mode/key-value-store',
      testNamed('test/infra/function-mode.test.ts', "'function-mode/key-value-store'"),
    ],
  ],
  'cf-function/kvs-get-missing-key': [
    ['local edge: kvs().get rejects', testNamed('test/local/kvs-file.test.ts', 'kvs().get rejects')],
  ],
};

describe('AWS_RULES', () => {
  it('holds exactly the rules this table says where they are enforced (removing one fails here)', () => {
    expect(AWS_RULES.map((r) => r.id).sort()).toEqual([...Object.keys(ENFORCED), ...DOCUMENTED_ONLY].sort());
  });

  it('gives every rule its own id', () => {
    const ids = AWS_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('cites a rule as id, guide, page in quotes and section in quotes', () => {
    expect(
      citeRule({
        id: 'x/y',
        source: {
          guide: 'G Guide',
          page: 'The page',
          section: 'The section',
          url: 'https://docs.aws.amazon.com/a/b.html',
        },
        value: 1,
      }),
    ).toBe('x/y (G Guide, "The page", section "The section")');
  });

  it('lists the entries no code enforces yet, so they stay visible', () => {
    expect(DOCUMENTED_ONLY).toEqual(['waf/crs-body-size']);
  });

  it.each(AWS_RULES.map((r) => [r.id, r] as [string, AwsRule]))(
    '%s names its page and section',
    (_id, rule) => {
      expect(rule.source.guide).toMatch(/Guide|Reference/);
      expect(rule.source.page.length).toBeGreaterThan(3);
      expect(rule.source.section.length).toBeGreaterThan(2);
      // A page of a guide, not the site or a folder: `.../<page>.html`, optionally `#<section>`.
      expect(rule.source.url).toMatch(
        /^https:\/\/docs\.aws\.amazon\.com\/[\w/.-]+\/[\w.-]+\.html(#[\w-]+)?$/,
      );
      expect(rule.id).toMatch(/^[a-z0-9-]+\/[a-z0-9-]+$/);
      expect(citeRule(rule)).toContain(rule.source.page);
      if (rule.silent !== undefined) expect(rule.silent.length).toBeGreaterThan(20);
    },
  );

  it('the probes start from results CloudFront accepts, so each one fails for its own rule', () => {
    expect(lambdaResult(lambdaEvent())).toBe(false);
    expect(lambdaResult({ status: '200', body: 'ok' })).toBe(false);
    expect(lambdaAdds('x-auth-ok')).toBe(false);
    expect(functionAdds('x-auth-ok')).toBe(false);
    expect(refusedOriginHeaders(['x-auth-origin-secret'])).toEqual([]);
    expect(settingsRefuse({})).toBe(false);
  });

  const probes = Object.entries(ENFORCED).flatMap(([id, list]) =>
    list.map(([place, breaks]) => [id, place, breaks] as const),
  );
  it.each(probes)('%s is enforced: %s', (_id, _place, breaks) => {
    expect(breaks()).toBe(true);
  });
});
