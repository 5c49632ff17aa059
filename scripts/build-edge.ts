import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { build } from 'esbuild';

const requireCjs = createRequire(__filename);

/** Lambda@Edge viewer-request functions are capped at 1 MB zipped; we aim far lower (cold starts). */
export const EDGE_HARD_LIMIT_BYTES = 1024 * 1024;
export const EDGE_TARGET_BYTES = 50 * 1024;

export class EdgeBuildError extends Error {
  readonly code = 'ERR_EDGE_BUILD';
  constructor(message: string) {
    super(message);
    this.name = 'EdgeBuildError';
  }
}

// Settings, keyrings, deploy code and AWS's cited rule texts are build-time knowledge, baked in as
// __EDGE_AUTH_CONFIG__: in the bundle they would only add bytes (and parse time) to every cold start.
const BUILD_TIME_INPUT =
  /(^|\/)(src\/(config|deploy|keys|local|cli|login)\/|src\/cloudfront\/aws-rules\.ts$|config\/settings\.json$)/;

/** The first bundle input that only the build should read, if any. */
export function findBuildTimeInput(inputs: string[]): string | undefined {
  return inputs.find((file) => BUILD_TIME_INPUT.test(file));
}

/**
 * Bundles functions/viewer-request.ts for a stage with its edge config baked in: minified,
 * CommonJS for node22, `handler` exported. Fails when the bundle would carry a private key or
 * the AWS SDK, or passes the Lambda@Edge size limit.
 */
export async function buildEdgeBundle({
  stage,
  root = process.cwd(),
  outfile,
  keyringDir,
}: {
  stage: string;
  root?: string;
  outfile: string;
  /** Overrides the stage's keyring folder (tests, benches). */
  keyringDir?: string;
}): Promise<{ outfile: string; bytes: number }> {
  const edgeDefine = requireCjs(resolve(root, 'scripts/edge-define.cjs')) as (
    stage: string,
    root: string,
    keyringDir?: string,
  ) => Record<string, string>;
  const define = edgeDefine(stage, root, keyringDir);
  const out = resolve(root, outfile);
  const result = await build({
    entryPoints: [resolve(root, 'functions/viewer-request.ts')],
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    outfile: out,
    define,
    metafile: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs);
  const sdk = inputs.find((file) => file.includes('@aws-sdk/') || file.includes('aws-sdk/'));
  if (sdk) throw new EdgeBuildError(`the edge bundle must not include the AWS SDK (pulled in: ${sdk})`);
  const buildTime = findBuildTimeInput(inputs);
  if (buildTime)
    throw new EdgeBuildError(`the edge bundle must not include build-time code (pulled in: ${buildTime})`);
  const text = readFileSync(out, 'utf8');
  if (/PRIVATE KEY/.test(text)) throw new EdgeBuildError('the edge bundle contains private key material');
  const bytes = Buffer.byteLength(text);
  if (bytes > EDGE_HARD_LIMIT_BYTES) {
    throw new EdgeBuildError(`the edge bundle is ${bytes} bytes, over the Lambda@Edge viewer-request limit`);
  }
  return { outfile: out, bytes };
}
