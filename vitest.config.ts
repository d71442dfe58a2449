import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'lib/**/*.test.ts', 'charts/**/*.test.ts', 'policies/**/*.test.ts'],
    // Suites start local HTTP stand-ins and spawn the CLI; two cores is all CI has.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One fast-check seed in CI (test/support/fast-check-seed.ts).
    setupFiles: ['test/support/fast-check-seed.ts'],
  },
});
