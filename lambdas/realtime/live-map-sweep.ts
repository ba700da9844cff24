import { type LiveMapSweepSummary, sweepLiveMaps } from '../core/live/live-map-sweep';
import { publishToShards } from '../core/live/shard-delivery';
import { logger } from '../core/platform/logger';
import { lazyDashboardPush, pushDashboards } from '../core/reports/dashboard-push';
import { fromEnvironment, type Platform } from '../wiring/platform';

/**
 * The scheduled live-map sweep (every minute on AWS; the local stack's timer calls this same
 * handler): rebuilds each live event's map from its seat items and publishes what the stream
 * builder missed (lambdas/core/live/live-map-sweep.ts). A repaired map is logged at warn level with
 * the event id and versions; a map that was right writes nothing. An event the sweep could not
 * build fails the run (after the others are done), so the function's error alarm sees it; the next
 * run is the retry.
 */
export function createHandler(
  platform: Pick<Platform, 'store' | 'config' | 'shardInvoker'> & Partial<Pick<Platform, 'poster'>>,
) {
  // The poster is made on its first post (a dashboard watched), so a tick never fails for it.
  const dashboards = lazyDashboardPush(platform.store, () => platform.poster, sleep);
  return async (): Promise<LiveMapSweepSummary> => {
    const { tickMs, shards } = platform.config.liveMap;
    const summary = await sweepLiveMaps({
      store: platform.store,
      tickMs,
      sleep,
      publish: (eventId, message) => publishToShards(platform.shardInvoker, eventId, shards, JSON.stringify(message)),
      // A repaired map moves the dashboard's free / held / sold too (never fails the sweep).
      onRepaired: (eventId) => pushDashboards(dashboards, [eventId]),
    });
    const failed = summary.swept.filter((event) => event.outcome === 'failed');
    logger.debug('Live map sweep', { candidates: summary.candidates, swept: summary.swept.length });
    if (failed.length > 0)
      throw new Error(`Live map sweep: ${failed.length} event(s) failed: ${failed.map((e) => e.eventId).join(', ')}`);
    return summary;
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const handler = fromEnvironment(createHandler);
