import { transformSync } from 'esbuild';
import { buildFunctionCode, checkFunctionCode } from '../../scripts/build-function';
import { CF_FUNCTION_SYNTAX, CLOUDFRONT_FUNCTION_MAX_CODE_BYTES } from '../../src/cloudfront/aws-rules';

// The build check of the `function` edge mode ("JavaScript runtime 2.0 features for CloudFront
// Functions", "Quotas on CloudFront Functions"): what it accepts and what it refuses.
const OK_HANDLER = 'async function handler(event){return event.request}';

describe('the CloudFront Function build', () => {
  it.each(['local', 'dev', 'prod'])(
    'builds for stage %s within 10 KB, importing only crypto and cloudfront',
    (stage) => {
      const { code, bytes } = buildFunctionCode({ stage });
      expect(bytes).toBe(Buffer.byteLength(code));
      expect(bytes).toBeLessThanOrEqual(CLOUDFRONT_FUNCTION_MAX_CODE_BYTES.value);
      const imports = [...code.matchAll(/import\s+\w+\s+from\s*"([^"]+)"/g)].map((m) => m[1]).sort();
      expect(imports).toEqual(['cloudfront', 'crypto']);
      // The imports come first, as the KeyValueStore helper page asks.
      expect(code.startsWith('import ')).toBe(true);
      expect(code).toMatch(/async function handler\(event\)/);
      expect(code).not.toMatch(/\bexport\b/);
      expect(checkFunctionCode(code)).toEqual([]);
    },
  );

  it('bakes the stage config in (cookie name, issuer), and no key material', () => {
    const { code } = buildFunctionCode({ stage: 'prod' });
    expect(code).toContain('"__Host-edge_session"');
    expect(code).not.toMatch(/PRIVATE KEY|key:local|secret/i);
  });
});

describe('checkFunctionCode refuses what the runtime would not run', () => {
  it.each([
    ['a Node module import', `import fs from "fs";${OK_HANDLER}`, /imports "fs"/],
    ['require', `var x=require("crypto");${OK_HANDLER}`, /uses require/],
    ['timers', `setTimeout(function(){},1);${OK_HANDLER}`, /uses setTimeout/],
    ['a Map', `var m=new Map;${OK_HANDLER}`, /uses Map/],
    ['process', `var e=process.env;${OK_HANDLER}`, /uses process/],
    ['dynamic import', `import("x");${OK_HANDLER}`, /dynamic import/],
    ['an export', `${OK_HANDLER}export{handler as h};`, /export/],
    ['no handler', 'function main(event){return event.request}', /no top-level function handler/],
  ])('%s', (_name, code, message) => {
    const problems = checkFunctionCode(code);
    expect(problems.join('\n')).toMatch(message);
  });

  it('refuses code over the size limit, naming the quota page', () => {
    const code = `${OK_HANDLER}/*${'x'.repeat(CLOUDFRONT_FUNCTION_MAX_CODE_BYTES.value)}*/`;
    expect(checkFunctionCode(code).join('\n')).toMatch(
      /over 10240: cloudfront-functions\/function-size .*Quotas/,
    );
  });

  it('does not read words inside strings as globals', () => {
    expect(checkFunctionCode(`var a="Map Set require process";${OK_HANDLER}`)).toEqual([]);
  });
});

describe('the syntax map the build gives esbuild', () => {
  const lower = (code: string) =>
    transformSync(code, { supported: CF_FUNCTION_SYNTAX.value, target: 'es2020', format: 'esm' }).code;

  it.each([
    ['a class', 'export class A {}'],
    ['destructuring', 'export function f(o){ const { a } = o; return a; }'],
    ['for-of', 'export function f(l){ for (const x of l) return x; }'],
    ['array spread', 'export function f(l){ return [...l]; }'],
    ['a default parameter', 'export function f(a = 1){ return a; }'],
  ])('refuses %s', (_name, code) => {
    expect(() => lower(code)).toThrow(/not supported yet/);
  });

  it('lowers optional chaining, ?? and optional catch binding to what the runtime lists', () => {
    const out = lower('export function f(o){ try { return o?.a ?? 1; } catch { return 2; } }');
    expect(out).not.toMatch(/\?\.|\?\?|catch\s*\{/);
  });
});
