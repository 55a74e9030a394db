import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/build-once.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // expect.poll returns as soon as its condition holds; the default 1 s deadline is what a loaded
    // machine misses (a page or a process that is merely slow is not a failure). The test timeout still bounds it.
    expect: { poll: { timeout: 15_000 } },
    // Whole-process, browser and DynamoDB Local tests start real servers: keep the two cores from oversubscribing.
    maxWorkers: 2,
    // The SDK's "Node 22 soon" notice is noise here: the pinned SDK supports Node 20.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
