// StrykerJS config for the security core. Run through `npm run mutate [-- <area>]`
// (scripts/mutate.ts), which sets `mutate` and the incremental file per area.
// scripts/mutate.ts names the area's folder; a bare `npx stryker run` writes to reports/mutation.
const reportDir = process.env.EDGE_AUTH_MUTATE_REPORT_DIR ?? 'reports/mutation';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  // Per mutant, Jest runs only the test files that import the mutated file (directly or not) and,
  // within them, the tests that covered the mutant. Without it every mutant loaded every test file
  // of the area (about 4 s a mutant here instead of about 1 s).
  jest: { projectType: 'custom', configFile: 'jest.mutate.config.js', enableFindRelatedTests: true },
  // Stryker's tsconfig preprocessor calls TypeScript's JS API, which TypeScript 7 no longer ships.
  // Pointing it at a file that does not exist turns it off; type-checking stays with `tsc`.
  tsconfigFile: 'test/mutation/no-tsconfig.json',
  checkers: [],
  coverageAnalysis: 'perTest',
  // CPU is scarce here (2 cores shared): never more than two test-runner processes.
  concurrency: 2,
  // A mutant that loops forever costs timeoutMS plus a restart of the test process: keep it short.
  timeoutMS: 5000,
  timeoutFactor: 2,
  incremental: true,
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: `${reportDir}/mutation.html` },
  jsonReporter: { fileName: `${reportDir}/mutation.json` },
  thresholds: { high: 90, low: 80, break: null },
  // Anchored at the project root: a bare 'media' also left src/media out of the sandbox.
  ignorePatterns: [
    '/media',
    '/test-output',
    '/reports',
    '/.local',
    '/coverage',
    '/dist',
    '/.serverless',
    '/.esbuild',
  ],
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
