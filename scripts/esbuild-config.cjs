// serverless-esbuild options (custom.esbuild.config). The edge config is baked with the same
// esbuild `define` that `npm run build` uses for the local edge (scripts/edge-define.cjs), because
// Lambda@Edge functions have no environment variables.
const path = require('node:path');
const edgeDefine = require('./edge-define.cjs');

module.exports = (serverless) => {
  const stage = serverless.processedInput?.options?.stage ?? serverless.service.provider.stage;
  return {
    bundle: true,
    minify: true,
    sourcemap: false,
    target: 'node22',
    platform: 'node',
    format: 'cjs',
    // Bundle the AWS SDK v3 the login function uses instead of relying on the runtime's copy; the
    // edge bundle must not contain it at all (test/infra checks the zip).
    exclude: [],
    packager: 'npm',
    define: edgeDefine(stage, path.resolve(__dirname, '..')),
  };
};
