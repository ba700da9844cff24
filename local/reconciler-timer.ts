import { RECONCILE_PERIOD_MINUTES, RECONCILER_ENTRY } from '../contract/handler-entries';
import { logger } from '../lambdas/core/platform/logger';
import type { ReconcileSummary } from '../lambdas/core/reconcile/reconciler';
import type { Platform } from '../lambdas/wiring/platform';
import { loadHandler } from './handler-loader';

/**
 * The local stand-in for the reconciler's EventBridge schedule: calls the same handler module
 * every period (AWS: every minute), one run at a time. After a restart the first run is what
 * repairs the orders whose flows lived in the last process's memory — the same mechanism as on
 * AWS, not a special start-up recovery.
 */
export interface ReconcilerTimer {
  /** Runs the reconciler now (after any run in progress) and returns what it did. */
  runNow(): Promise<ReconcileSummary>;
  stop(): Promise<void>;
}

export async function startReconcilerTimer(
  projectRoot: string,
  platform: Platform,
  periodMs: number = RECONCILE_PERIOD_MINUTES * 60_000,
): Promise<ReconcilerTimer> {
  const handler = await loadHandler<() => Promise<ReconcileSummary>>(projectRoot, RECONCILER_ENTRY, platform);
  let current: Promise<ReconcileSummary> = Promise.resolve({ actions: 0, failed: 0, outcomes: [], notes: [] });
  let stopped = false;
  const runNow = () => {
    current = current.catch(() => undefined).then(() => handler());
    return current;
  };
  const timer = setInterval(() => {
    if (stopped) return;
    runNow().catch((error: unknown) => logger.error('Local reconciler run failed', { error: error as Error }));
  }, periodMs);
  timer.unref();
  return {
    runNow,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await current.catch(() => undefined);
    },
  };
}
