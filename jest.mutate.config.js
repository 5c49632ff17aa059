/**
 * Jest config used only by Stryker (`npm run mutate`). Each area runs the suites that state its
 * behaviour (scripts/mutate.ts sets EDGE_AUTH_MUTATE_AREA): a mutant in module-level code (a
 * "static" mutant: regexes, tables) must run every selected test, so the selection decides how
 * long an area takes on this 2-core machine. Never selected, because they cannot run in Stryker's
 * sandbox or do not exercise the core in process: the botocore cross-check (python), the browser
 * e2e, packaging (test/infra), HTTP servers and child processes (test/local, test/deploy,
 * test/cli), and the esbuild builds of the two edge bundles.
 */
const base = require('./jest.config.js');

const SUITES = {
  cloudfront: ['<rootDir>/test/cloudfront/**/*.test.ts'],
  edge: ['<rootDir>/test/edge/**/*.test.ts', '<rootDir>/test/functions/viewer-request.test.ts'],
  session: [
    '<rootDir>/test/session/**/*.test.ts',
    '<rootDir>/test/edge/**/*.test.ts',
    '<rootDir>/test/functions/viewer-request.test.ts',
  ],
  login: ['<rootDir>/test/login/**/*.test.ts', '<rootDir>/test/functions/login.test.ts'],
};
const area = process.env.EDGE_AUTH_MUTATE_AREA;
const selected = area ? SUITES[area] : Object.values(SUITES).flat();
if (!selected) throw new Error(`jest.mutate.config.js: unknown area "${area}"`);

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  // Stryker's `enableFindRelatedTests` asks Jest for the test files that depend on the mutated
  // file. Jest answers from its file map, which holds only the files under `roots`: with the tests'
  // folder alone it saw only the tests that import a source file directly, so a mutant of
  // src/edge/decide-function.ts (reached through functions/cloudfront/media-session.ts) ran no
  // test at all and "survived". The map must hold every file a test can reach.
  roots: ['<rootDir>/test', '<rootDir>/src', '<rootDir>/functions', '<rootDir>/scripts'],
  testMatch: [...new Set(selected)],
  testPathIgnorePatterns: [
    '/node_modules/',
    '<rootDir>/test/cloudfront/cross-check\\.test\\.ts$',
    '<rootDir>/test/edge/build\\.test\\.ts$',
    // Bundles the CloudFront Function with esbuild and checks the output against runtime 2.0: the
    // instrumented source cannot pass those checks (test/edge/shared-vectors.test.ts runs the
    // function in process under Stryker instead).
    '<rootDir>/test/edge/function-build\\.test\\.ts$',
  ],
};
