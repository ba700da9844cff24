import { RECONCILE_PERIOD_MINUTES, RECONCILER_ENTRY } from '../contract/handler-entries';
import type { ReconcileSummary } from '../lambdas/core/reconcile/reconciler';
import type { Platform } from '../lambdas/wiring/platform';
import { type ScheduleTimer, startScheduleTimer } from './schedule-timer';

/**
 * The local stand-in for the reconciler's EventBridge schedule (AWS: every minute). After a restart
 * the first run is what repairs the orders whose flows lived in the last process's memory — the
 * same mechanism as on AWS, not a special start-up recovery.
 */
export type ReconcilerTimer = ScheduleTimer<ReconcileSummary>;

export function startReconcilerTimer(
  projectRoot: string,
  platform: Platform,
  periodMs: number = RECONCILE_PERIOD_MINUTES * 60_000,
): Promise<ReconcilerTimer> {
  return startScheduleTimer({
    projectRoot,
    platform,
    entry: RECONCILER_ENTRY,
    periodMs,
    initial: { actions: 0, failed: 0, outcomes: [], notes: [] },
    name: 'reconciler',
  });
}
