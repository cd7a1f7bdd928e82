// Mutation testing of the rule modules: `npm run mutate` (not part of `npm test`).
// docs/architecture.md "Mutation testing" lists the modules and their scores.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.stryker.config.ts', related: false },
  coverageAnalysis: 'perTest',
  // The packet path's decisions, by file, and the scenario rules, one file per kind (rules/<kind>.ts).
  mutate: [
    'src/engine/guest.ts',
    'src/engine/nsg.ts',
    'src/engine/lb.ts',
    'src/engine/tcp.ts',
    'src/engine/probe.ts',
    'src/engine/snat.ts',
    'src/engine/fabric.ts',
    'src/scenario/rules/**/*.ts',
    '!src/scenario/rules/**/*.test.ts',
    '!src/scenario/rules/testing.ts',
  ],
  // The sandbox copies the project without these; node_modules is symlinked, never copied.
  ignorePatterns: ['e2e', 'dist', 'dist-cli', 'test-results', 'playwright-report', 'bench/results', 'reports', '.ci'],
  symlinkNodeModules: true,
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  concurrency: 2,
  timeoutMS: 60_000,
  reporters: ['clear-text', 'json', 'progress'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: {
    allowColor: false,
    logTests: false,
    reportTests: false,
    reportMutants: false,
    reportScoreTable: true,
  },
  thresholds: { high: 85, low: 70, break: null },
};
