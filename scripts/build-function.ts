import { resolve } from 'node:path';
import { buildSync } from 'esbuild';
import {
  CF_FUNCTION_FORBIDDEN_GLOBALS,
  CF_FUNCTION_MODULES,
  CF_FUNCTION_SYNTAX,
  CLOUDFRONT_FUNCTION_MAX_CODE_BYTES,
  citeRule,
} from '../src/cloudfront/aws-rules';
import { resolveSettings, type Settings } from '../src/config/settings';
import { buildFunctionEdgeConfig, type FunctionEdgeConfig } from '../src/edge/function-config';

/**
 * Bundles the `function` edge mode's CloudFront Function (functions/cloudfront/media-session.ts)
 * for a stage into one cloudfront-js-2.0 file, with the stage's config baked in, and checks it
 * against "JavaScript runtime 2.0 features for CloudFront Functions" and the 10 KB quota
 * (rules in src/cloudfront/aws-rules.ts). Synchronous: serverless.yml reads the code through
 * scripts/stack.cjs, which cannot wait.
 */
export class FunctionBuildError extends Error {
  readonly code = 'ERR_FUNCTION_BUILD';
  constructor(message: string) {
    super(message);
    this.name = 'FunctionBuildError';
  }
}

/** The project this script belongs to: the function's source comes from here, not from a stage folder. */
const PROJECT_ROOT = resolve(__dirname, '..');

const IMPORT = /import\s*([A-Za-z_$][\w$]*)\s*from\s*"([^"]+)";?/g;
const EXPORT_HANDLER = /export\s*\{\s*([A-Za-z_$][\w$]*)\s+as\s+handler\s*\};?\s*$/;

/** Strings and template texts blanked out, so words inside messages are not read as globals. */
function withoutStrings(code: string): string {
  return code.replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`/g, '""');
}

/**
 * What in a built function the runtime would not run: imports of other modules, `require`,
 * dynamic import, exports, globals the runtime does not have, and size. Empty when it is fine.
 */
export function checkFunctionCode(code: string): string[] {
  const problems: string[] = [];
  const bytes = Buffer.byteLength(code);
  if (bytes > CLOUDFRONT_FUNCTION_MAX_CODE_BYTES.value)
    problems.push(
      `${bytes} bytes, over ${CLOUDFRONT_FUNCTION_MAX_CODE_BYTES.value}: ${citeRule(CLOUDFRONT_FUNCTION_MAX_CODE_BYTES)}`,
    );
  for (const match of code.matchAll(IMPORT)) {
    if (!CF_FUNCTION_MODULES.value.includes(match[2]!))
      problems.push(`imports "${match[2]}": ${citeRule(CF_FUNCTION_MODULES)}`);
  }
  const bare = withoutStrings(code);
  if (/(^|[^.\w$])import\s*\(/.test(bare))
    problems.push(`uses dynamic import(): ${citeRule(CF_FUNCTION_MODULES)}`);
  if (/(^|[;}\s])export\b/.test(bare))
    problems.push('has an export: CloudFront calls a top-level function named handler');
  if (!/(^|[;}\s])(async\s+)?function\s+handler\s*\(/.test(bare))
    problems.push('defines no top-level function handler(event)');
  for (const name of CF_FUNCTION_FORBIDDEN_GLOBALS.value) {
    if (new RegExp(`(^|[^.\\w$])${name}\\b(?!\\s*:)`).test(bare))
      problems.push(`uses ${name}: ${citeRule(CF_FUNCTION_FORBIDDEN_GLOBALS)}`);
  }
  return problems;
}

/**
 * esbuild output (ESM) → the shape CloudFront runs: the module imports first ("Helper methods for
 * key value stores": `import cf from 'cloudfront'` in the first lines) and a top-level
 * `async function handler(event)` instead of an export.
 */
function toFunctionSource(esm: string): string {
  const imports: string[] = [];
  let body = esm.replace(IMPORT, (_all, name: string, module: string) => {
    imports.push(`import ${name} from "${module}";`);
    return '';
  });
  const exported = EXPORT_HANDLER.exec(body);
  if (!exported) throw new FunctionBuildError('the function entry must export `handler`');
  body = body.replace(EXPORT_HANDLER, `async function handler(event){return ${exported[1]}(event)}\n`);
  return `${imports.join('\n')}\n${body.trim()}\n`;
}

export interface FunctionBuild {
  code: string;
  bytes: number;
}

export function buildFunctionCode({
  stage,
  root = PROJECT_ROOT,
  configOverrides = {},
  settings,
}: {
  stage: string;
  /** Where functions/ lives: this project by default (a stage's root for keys may be elsewhere). */
  root?: string;
  /** The stage's settings when already resolved (the local edge may run a settings variant). */
  settings?: Settings;
  /** Tests and benches: baked values other than the stage's (e.g. allowed origins). */
  configOverrides?: Partial<FunctionEdgeConfig>;
}): FunctionBuild {
  const config = { ...buildFunctionEdgeConfig(settings ?? resolveSettings(stage)), ...configOverrides };
  let output: string;
  try {
    const result = buildSync({
      entryPoints: [resolve(root, 'functions/cloudfront/media-session.ts')],
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'neutral',
      target: 'es2020',
      // Template literals are in the runtime, but serverless.yml reads the code through a variable
      // and would take every `${` in it for a variable of its own: lower them to concatenation.
      supported: { ...CF_FUNCTION_SYNTAX.value, 'template-literal': false },
      external: CF_FUNCTION_MODULES.value,
      define: { __EDGE_AUTH_FUNCTION_CONFIG__: JSON.stringify(config) },
      write: false,
      legalComments: 'none',
      logLevel: 'silent',
      charset: 'utf8',
    });
    output = result.outputFiles[0]!.text;
  } catch (error) {
    const errors =
      (error as { errors?: Array<{ text: string; location?: { file: string; line: number } }> }).errors ?? [];
    const first = errors
      .slice(0, 5)
      .map((e) => `${e.location ? `${e.location.file}:${e.location.line}: ` : ''}${e.text}`)
      .join('; ');
    throw new FunctionBuildError(
      `the CloudFront Function does not build for cloudfront-js-2.0 (${citeRule(CF_FUNCTION_SYNTAX)}): ${first || String(error)}`,
    );
  }
  const code = toFunctionSource(output);
  const problems = checkFunctionCode(code);
  if (code.includes('${')) problems.push('contains "${", which serverless.yml would read as a variable');
  if (problems.length > 0)
    throw new FunctionBuildError(`the CloudFront Function would not run: ${problems.join('; ')}`);
  return { code, bytes: Buffer.byteLength(code) };
}
