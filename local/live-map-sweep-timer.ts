import { LIVE_MAP_SWEEP_ENTRY, LIVE_MAP_SWEEP_PERIOD_MINUTES } from '../contract/handler-entries';
import type { LiveMapSweepSummary } from '../lambdas/core/live/live-map-sweep';
import { logger } from '../lambdas/core/platform/logger';
import type { Platform } from '../lambdas/wiring/platform';
import { loadHandler } from './handler-loader';

/**
 * The local stand-in for the live-map sweep's EventBridge schedule: calls the same handler module
 * every period (AWS: every minute), one run at a time — as local/reconciler-timer.ts does for the
 * reconciler.
 */
export interface LiveMapSweepTimer {
  /** Runs the sweep now (after any run in progress) and returns what it did. */
  runNow(): Promise<LiveMapSweepSummary>;
  stop(): Promise<void>;
}

export async function startLiveMapSweepTimer(
  projectRoot: string,
  platform: Platform,
  periodMs: number = LIVE_MAP_SWEEP_PERIOD_MINUTES * 60_000,
): Promise<LiveMapSweepTimer> {
  const handler = await loadHandler<() => Promise<LiveMapSweepSummary>>(projectRoot, LIVE_MAP_SWEEP_ENTRY, platform);
  let current: Promise<LiveMapSweepSummary> = Promise.resolve({ candidates: 0, swept: [] });
  let stopped = false;
  const runNow = () => {
    current = current.catch(() => undefined).then(() => handler());
    return current;
  };
  const timer = setInterval(() => {
    if (stopped) return;
    runNow().catch((error: unknown) => logger.error('Local live-map sweep failed', { error: error as Error }));
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
