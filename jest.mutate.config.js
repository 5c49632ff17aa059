/**
 * Jest config used only by Stryker (`npm run mutate`): the suites that state the security core's
 * behaviour. Left out because they cannot run in Stryker's sandbox or do not exercise the core in
 * process: the botocore cross-check (python), the browser e2e, packaging (test/infra), HTTP
 * servers and child processes (test/local, test/deploy, test/cli), and the esbuild edge build.
 */
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testPathIgnorePatterns: [
    '/node_modules/',
    '<rootDir>/test/e2e/',
    '<rootDir>/test/infra/',
    '<rootDir>/test/local/',
    '<rootDir>/test/deploy/',
    '<rootDir>/test/cli/',
    '<rootDir>/test/cloudfront/cross-check\\.test\\.ts$',
    '<rootDir>/test/edge/build\\.test\\.ts$',
  ],
};
