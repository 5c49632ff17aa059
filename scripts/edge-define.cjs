// The esbuild `define` that bakes the edge config into the viewer-request bundle, for both
// scripts/build-edge.ts (local, `npm run build`) and serverless.yml (serverless-esbuild), so
// deploy and local bake the very same config. Loads the TypeScript source through tsx.
const path = require('node:path');

function load() {
  // Jest compiles TypeScript itself, and tsx's loader clashes with Jest's module registry.
  if (typeof jest !== 'undefined') return require('../src/edge/config-build.ts');
  const { require: tsxRequire } = require('tsx/cjs/api');
  return tsxRequire('../src/edge/config-build.ts', __filename);
}

/**
 * edgeDefine(stage, root, keyringDir?) → { __EDGE_AUTH_CONFIG__: '<json>' }
 * (keyringDir defaults to the stage's: keys/<stage>/, or .local/keys/ for local)
 * Also works as a Serverless `${file(./scripts/edge-define.cjs)}` resolver, which calls it with
 * `{ options, resolveVariable }`: then the stage comes from `--stage` (or `sls:stage`).
 */
function edgeDefine(stage, root, keyringDir) {
  if (stage && typeof stage === 'object') {
    const { options = {}, resolveVariable } = stage;
    const root_ = path.resolve(__dirname, '..');
    if (options.stage) return load().edgeDefines(options.stage, root_);
    if (typeof resolveVariable === 'function') {
      return Promise.resolve(resolveVariable('sls:stage')).then((s) => load().edgeDefines(s, root_));
    }
    return load().edgeDefines('dev', root_);
  }
  return load().edgeDefines(stage, root ?? path.resolve(__dirname, '..'), keyringDir);
}

module.exports = edgeDefine;
module.exports.edgeDefine = edgeDefine;
