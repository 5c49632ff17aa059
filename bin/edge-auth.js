#!/usr/bin/env node
'use strict';
// Runs the TypeScript CLI through tsx, so `npx edge-auth` works from a clone with no build step.
require('tsx/cjs');
// The dispatcher loads commands with import(), which goes through the ESM loader: register tsx there too
// (tsx/cjs alone leaves `import('./commands/x')` unresolved).
import('tsx/esm').then(() =>
  require('../src/cli/main.ts')
    .main(process.argv.slice(2))
    .then((code) => {
      process.exitCode = code;
    }),
);
