#!/usr/bin/env node
'use strict';
// Runs the TypeScript CLI through tsx, so `npx edge-auth` works from a clone with no build step.
require('tsx/cjs');
require('../src/cli/main.ts')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
