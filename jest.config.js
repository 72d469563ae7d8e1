// Jest runs the TypeScript sources as ESM through ts-jest; type checking is `npm run typecheck`.
// The global setup compiles src/ for the tests that run the action's entry as a child process, and
// points TMPDIR at a folder of the run's own on /dev/shm when there is one (test/helpers/compile-source.ts).
const LONG = process.env.AGENTOS_LONG_TESTS === '1';

/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }] },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // The long scenarios (the 500-task longevity run) are `npm run test:long`, which .ci/run runs.
  testPathIgnorePatterns: ['/node_modules/', ...(LONG ? [] : ['<rootDir>/test/longevity.test.ts'])],
  globalSetup: '<rootDir>/test/helpers/compile-source.ts',
  globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
  // A test fails when the GitHub stand-in saw a request or sent an answer unlike GitHub's.
  setupFilesAfterEnv: ['<rootDir>/test/helpers/shape-check.ts'],
  testTimeout: 60000,
  // Most of a test's time is spent waiting on git and child processes: two workers keep a 2-core
  // machine busy (jest's default there is one).
  maxWorkers: 2,
};
