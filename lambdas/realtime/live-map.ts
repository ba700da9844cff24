import type { DynamoDBStreamEvent } from 'aws-lambda';
import { toStreamChange } from '../core/live/broadcast';
import { LastBuilt, tickSeatMap } from '../core/live/seat-map-ticks';
import { publishToShards } from '../core/live/shard-delivery';
import { logger } from '../core/platform/logger';
import { lazyDashboardPush, pushDashboards } from '../core/reports/dashboard-push';
import type { SeatItem } from '../core/seats/seat-item';
import { fromEnvironment, type Platform } from '../wiring/platform';

/**
 * Seats-stream consumer: the tick builder of each event's live map. For each event in a batch, the
 * map is built at most once per tick — the last map plus the batch's new seat images, the seat
 * items re-read only after a gap — and each new version's deltas go to every shard's worker at once
 * (asynchronous invokes). Idempotent by version (lambdas/core/live/seat-map-ticks.ts), so a failure
 * fails the whole batch and Lambda retries it.
 */
export function createHandler(
  platform: Pick<Platform, 'store' | 'config' | 'shardInvoker'> & Partial<Pick<Platform, 'poster'>>,
) {
  const lastBuilt = new LastBuilt();
  // The poster is made on its first post (a dashboard watched), so a tick never fails for it.
  const dashboards = lazyDashboardPush(platform.store, () => platform.poster, sleep);
  return async (event: DynamoDBStreamEvent): Promise<void> => {
    const events = new Map<string, SeatItem[]>();
    for (const record of event.Records) {
      const change = toStreamChange(record);
      if (change?.kind !== 'seat') continue;
      const images = events.get(change.item.eventId) ?? [];
      images.push(change.item);
      events.set(change.item.eventId, images);
    }
    const { tickMs, shards } = platform.config.liveMap;
    await Promise.all(
      [...events].map(async ([eventId, images]) => {
        const tick = await tickSeatMap(
          {
            store: platform.store,
            tickMs,
            lastBuilt,
            sleep,
            publish: (message) => publishToShards(platform.shardInvoker, eventId, shards, JSON.stringify(message)),
          },
          eventId,
          images,
        );
        logger.debug('Seat map tick', { eventId, ...tick });
        // A new map version moves the dashboard's free / held / sold (never fails the tick).
        if (tick.outcome === 'published') await pushDashboards(dashboards, [eventId]);
      }),
    );
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const handler = fromEnvironment(createHandler);
