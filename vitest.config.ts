import { defineConfig } from 'vitest/config';

// Three projects: fast unit tests, integration tests against in-process spaces,
// and end-to-end tests that run the built CLI with real kubectl/helm binaries.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 180_000,
          globalSetup: ['e2e/setup/global.ts'],
          // Real processes and ports: run files one at a time to keep the 2-core machine calm.
          fileParallelism: false,
        },
      },
    ],
  },
});
