import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Node resolves `graphql` to its CommonJS entry for every importer; Vite would pick the `.mjs`
  // one for our files, and graphql-js refuses schemas from "another module or realm".
  resolve: { alias: { graphql: 'graphql/index.js' } },
  test: {
    include: ['test/**/*.test.ts', '**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**', '.cache/**', '.data/**'],
    // One database server for the whole run (FerretDB unless MONGODB_URI or mongod is there);
    // each test makes its own databases in it and drops them.
    globalSetup: ['test/support/globalSetup.ts'],
    // Liveness bounds for a busy machine (CI runs beside other work): a service may take up to
    // cluster/services.ts START_TIMEOUT_MS to start, and a CPU-bound test several times its quiet time.
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // End-to-end files start many processes: on 2 cores, two files at a time is the most that helps.
    maxWorkers: 2,
  },
});
