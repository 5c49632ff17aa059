// Serverless variable source: `${file(./scripts/stack.cjs)}` → the stage's computed stack values
// (src/deploy/stack.ts), loaded through tsx so the TypeScript settings and keyring code is the
// one source of truth for serverless.yml too.
const path = require('node:path');

module.exports = async ({ options = {}, resolveVariable } = {}) => {
  const stage = options.stage ?? (resolveVariable ? await resolveVariable('sls:stage') : 'dev');
  const { require: tsxRequire } = require('tsx/cjs/api');
  const { stackValues } = tsxRequire('../src/deploy/stack.ts', __filename);
  return stackValues(stage, path.resolve(__dirname, '..'));
};
