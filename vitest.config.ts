import { defineConfig } from 'vitest/config';

// The SDK's notice that its 2027 releases need Node 22 would repeat in every worker.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One in-memory DynamoDB Local for the whole run (the JVM takes seconds to start).
    globalSetup: ['test/global-setup.ts'],
    // A budget against hangs, not a speed check: on a busy 2-core machine (several agents, the
    // JVM, esbuild) a test or a synth takes several times what it takes on a quiet one, so no
    // test sets a tighter one of its own. Waits inside tests are bounded the same way (≥ 30 s).
    testTimeout: 300_000,
    hookTimeout: 300_000,
    // Two cores, and DynamoDB Local's JVM needs one of them too.
    maxWorkers: 2,
  },
});
