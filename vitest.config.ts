import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Whole-process, browser and DynamoDB Local tests start real servers: keep the two cores from oversubscribing.
    maxWorkers: 2,
  },
});
