import { defineConfig } from 'vitest/config';

// The SDK's notice that its 2027 releases need Node 22 would repeat in every worker.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/**
 * Four lanes, one per folder of test/ (`npm run test:<lane>` runs one, `npm test` all of them in
 * one run and one worker pool). Every lane inherits the root options below (`extends: true`).
 */
const lane = (name: string, extra: { globalSetup?: string[] } = {}) => ({
  extends: true as const,
  test: { name, include: [`test/${name}/**/*.test.ts`], ...extra },
});

export default defineConfig({
  test: {
    // A budget against hangs, not a speed check: on a busy 2-core machine (several agents, the
    // JVM, esbuild) a test or a synth takes several times what it takes on a quiet one, so no
    // test sets a tighter one of its own. Waits inside tests are bounded the same way (≥ 30 s).
    testTimeout: 300_000,
    hookTimeout: 300_000,
    // Two cores, and DynamoDB Local's JVM needs one of them too. One pool for all lanes.
    maxWorkers: 2,
    projects: [
      // Pure logic: no DynamoDB Local, no local stack, no synth of the app; seconds.
      lane('unit'),
      // One in-memory DynamoDB Local for the whole lane (the JVM takes seconds to start). Vitest
      // runs a project's global setup only when that project has files in the run, so the other
      // lanes never start the JVM. Local stacks start their own DynamoDB Local.
      lane('integration', { globalSetup: ['test/global-setup.ts'] }),
      // The CDK app synthesized in-process (template assertions, cdk-nag) and by the real CLI.
      lane('cdk'),
      // Debian's Chromium on a local stack.
      lane('e2e'),
    ],
  },
});
