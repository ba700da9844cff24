import { logger } from '../lambdas/core/platform/logger';
import type { Platform } from '../lambdas/wiring/platform';
import { loadHandler } from './handler-loader';

/**
 * The local stand-in for an EventBridge schedule: calls the same handler module every period, one
 * run at a time (the reconciler, the live-map sweep). A run that fails is logged; the next period
 * is its retry, as on AWS (the rules have no retries of their own).
 */
export interface ScheduleTimer<Summary> {
  /** Runs the handler now (after any run in progress) and returns what it did. */
  runNow(): Promise<Summary>;
  stop(): Promise<void>;
}

export async function startScheduleTimer<Summary>(options: {
  readonly projectRoot: string;
  readonly platform: Platform;
  /** The handler module (contract/handler-entries.ts). */
  readonly entry: string;
  readonly periodMs: number;
  /** What `runNow` answers before a first run has finished. */
  readonly initial: Summary;
  /** For the log line of a failed run. */
  readonly name: string;
}): Promise<ScheduleTimer<Summary>> {
  const handler = await loadHandler<() => Promise<Summary>>(options.projectRoot, options.entry, options.platform);
  let current: Promise<Summary> = Promise.resolve(options.initial);
  let stopped = false;
  const runNow = () => {
    current = current.catch(() => options.initial).then(() => handler());
    return current;
  };
  const timer = setInterval(() => {
    if (stopped) return;
    runNow().catch((error: unknown) => logger.error(`Local ${options.name} run failed`, { error: error as Error }));
  }, options.periodMs);
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
