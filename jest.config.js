/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Real PostgreSQL servers take about a minute: `npm run test:postgres` runs them (test/postgres).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/postgres/'],
  transform: {
    // Type checking runs once in `npm test` (tsc --noEmit); ts-jest only transpiles, which keeps the suite fast.
    '^.+\\.tsx?$': ['ts-jest', { diagnostics: false }],
  },
  testTimeout: 120000,
  // Two workers: on a 2-core machine jest's default (cores - 1) runs one test file at a time;
  // two ran the suite in 24 s instead of 34 s there.
  maxWorkers: 2,
  // One temp folder per run, removed at the end: synthesized assemblies would otherwise pile up.
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
};
