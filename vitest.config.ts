import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', '**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**', '.cache/**', '.data/**'],
    // One database server for the whole run (FerretDB unless MONGODB_URI or mongod is there);
    // each test makes its own databases in it and drops them.
    globalSetup: ['test/support/globalSetup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // End-to-end files start many processes: on 2 cores, two files at a time is the most that helps.
    maxWorkers: 2,
  },
});
