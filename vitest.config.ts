import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Two cores on CI: keep parallelism modest so timing-based tests stay stable.
    maxWorkers: 2,
    // A real PostgreSQL for the postgres store tests (TEST_DATABASE_URL, or a throwaway embedded server).
    globalSetup: ['./test/setup/postgres.ts'],
  },
});
