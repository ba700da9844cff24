import type { DynamoDBStreamEvent } from 'aws-lambda';
import { toStreamChange } from '../core/live/broadcast';
import { LastBuilt, tickSeatMap } from '../core/live/seat-map-ticks';
import { publishToShards } from '../core/live/shard-delivery';
import { logger } from '../core/platform/logger';
import { fromEnvironment, type Platform } from '../wiring/platform';

/**
 * Seats-stream consumer: the tick builder of each event's live map. A batch only says which events
 * changed; for each, the map is rebuilt from the seat items at most once per tick, and each new
 * version's deltas go to every shard's worker at once (asynchronous invokes). Idempotent by version
 * (lambdas/core/live/seat-map-ticks.ts), so a failure fails the whole batch and Lambda retries it.
 */
export function createHandler(platform: Pick<Platform, 'store' | 'config' | 'shardInvoker'>) {
  const lastBuilt = new LastBuilt();
  return async (event: DynamoDBStreamEvent): Promise<void> => {
    const events = new Set<string>();
    for (const record of event.Records) {
      const change = toStreamChange(record);
      if (change?.kind === 'seat') events.add(change.item.eventId);
    }
    const { tickMs, shards } = platform.config.liveMap;
    await Promise.all(
      [...events].map(async (eventId) => {
        const tick = await tickSeatMap(
          {
            store: platform.store,
            tickMs,
            lastBuilt,
            sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
            publish: (message) => publishToShards(platform.shardInvoker, eventId, shards, JSON.stringify(message)),
          },
          eventId,
        );
        logger.debug('Seat map tick', { eventId, ...tick });
      }),
    );
  };
}

export const handler = fromEnvironment(createHandler);
