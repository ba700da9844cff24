import { LIVE_MAP_SWEEP_ENTRY, LIVE_MAP_SWEEP_PERIOD_MINUTES } from '../contract/handler-entries';
import type { LiveMapSweepSummary } from '../lambdas/core/live/live-map-sweep';
import type { Platform } from '../lambdas/wiring/platform';
import { type ScheduleTimer, startScheduleTimer } from './schedule-timer';

/** The local stand-in for the live-map sweep's EventBridge schedule (AWS: every minute). */
export type LiveMapSweepTimer = ScheduleTimer<LiveMapSweepSummary>;

export function startLiveMapSweepTimer(
  projectRoot: string,
  platform: Platform,
  periodMs: number = LIVE_MAP_SWEEP_PERIOD_MINUTES * 60_000,
): Promise<LiveMapSweepTimer> {
  return startScheduleTimer({
    projectRoot,
    platform,
    entry: LIVE_MAP_SWEEP_ENTRY,
    periodMs,
    initial: { candidates: 0, swept: [] },
    name: 'live-map sweep',
  });
}
