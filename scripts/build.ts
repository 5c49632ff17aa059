import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { buildEdgeBundle, EDGE_TARGET_BYTES } from './build-edge';
import { buildFunctionCode } from './build-function';

/**
 * `npm run build [-- --stage S]`: builds the edge bundle of a stage (default: local) into
 * `.build/edge/<stage>/viewer-request.js`, with the stage's settings and session public keys baked in.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { stage: { type: 'string', default: 'local' } }, strict: true });
  const stage = values.stage!;
  const { outfile, bytes } = await buildEdgeBundle({
    stage,
    outfile: `.build/edge/${stage}/viewer-request.js`,
  });
  const gzip = gzipSync(readFileSync(outfile)).length;
  const note = bytes > EDGE_TARGET_BYTES ? ` (over the ${EDGE_TARGET_BYTES}-byte target)` : '';
  console.log(
    `edge bundle for stage "${stage}": ${outfile}, ${bytes} bytes minified, ${gzip} bytes gzip${note}`,
  );
  // The `function` edge mode's CloudFront Function, with its runtime and 10 KB checks (both modes
  // build it: serverless.yml carries it in every stage, created only in function mode).
  const fn = buildFunctionCode({ stage });
  const fnFile = `.build/edge/${stage}/media-session.js`;
  mkdirSync(`.build/edge/${stage}`, { recursive: true });
  writeFileSync(fnFile, fn.code);
  console.log(`CloudFront Function for stage "${stage}": ${fnFile}, ${fn.bytes} bytes (limit 10240)`);
}

main().catch((error: unknown) => {
  const e = error as { code?: string; message?: string };
  console.error(`build failed: ${e?.code?.startsWith('ERR_') ? e.message : String(error)}`);
  process.exitCode = 1;
});
