import type { StreamEventSourceSettings } from './stream-settings';
import type { TableId } from './tables';

/**
 * The DynamoDB stream consumers besides the broadcaster (contract/ws-routes.ts), as plain data: the
 * CDK stack deploys each (lib/waiting-room/, lib/seats/: with its stream filter and grants) and the
 * local stack runs each on DynamoDB Local's stream with the same settings (local/consumer-feeds.ts).
 */
export interface StreamConsumerSpec {
  /** Names the consumer in logs and dead letters. */
  readonly name: string;
  readonly entry: string;
  readonly description: string;
  readonly table: TableId;
  readonly eventSource: StreamEventSourceSettings;
}

/**
 * The waiting room's stream consumer, as plain data read by the CDK stack (lib/waiting-room/) and the
 * local stack (local/consumer-feeds.ts), so both run the same handler on the same table's stream.
 */
export const ORDER_ENDINGS = {
  name: 'order-endings',
  entry: 'lambdas/waiting-room/free-slots.ts',
  description: 'Orders stream → frees the waiting-room slot of every order that ended',
  table: 'orders',
  /** Freeing a slot must not be lost: more retries, no age limit; the handler fails whole batches. */
  eventSource: {
    batchSize: 100,
    bisectBatchOnError: true,
    retryAttempts: 5,
    reportBatchItemFailures: false,
  } satisfies StreamEventSourceSettings,
} as const;

/** The order statuses that end an order (a stream filter on AWS; the handler checks again). */
export const FINAL_ORDER_STATUSES = ['CONFIRMED', 'EXPIRED', 'CANCELLED', 'FAILED'] as const;

/**
 * The availability summary's stream consumer, as plain data read by the CDK stack
 * (lib/seats/availability-consumer.ts) and the local stack (local/consumer-feeds.ts), so both
 * run the same handler on the seats table's stream (lambdas/core/seats/availability.ts).
 */
export const SEAT_AVAILABILITY = {
  name: 'seat-availability',
  entry: 'lambdas/seats/availability-summary.ts',
  description: 'Seats stream → keeps each event row’s set of free seats (the availability summary)',
  table: 'seats',
  /**
   * A lost batch would leave the summary wrong until the seats change again: retries without an
   * age limit, bisected; set ADD/DELETE are idempotent, so the handler fails and retries whole batches.
   */
  eventSource: {
    batchSize: 100,
    bisectBatchOnError: true,
    retryAttempts: 10,
    reportBatchItemFailures: false,
  } satisfies StreamEventSourceSettings,
} as const;

/**
 * Only records where the seat was or becomes AVAILABLE can change a free set (a hold, a release,
 * a sale back on sale); hold refreshes and HELD → SOLD are filtered out on AWS. The handler needs
 * no filter (it derives membership from each record anyway).
 */
export const FREE_STATUS = 'AVAILABLE';

/**
 * The live map's tick builder (lambdas/realtime/live-map.ts): seats stream → each changed event's
 * map built at most once per tick (LIVE_MAP_TICK_MS) from the last map and the batch's new seat
 * images (the seat items re-read after a gap), its deltas to every shard's worker. Images older
 * than the map change nothing, so a retried batch publishes nothing and whole batches are retried.
 * An update older than a minute is worth less than the snapshot a client refetches.
 */
export const SEAT_MAP_TICKS = {
  name: 'seat-map-ticks',
  entry: 'lambdas/realtime/live-map.ts',
  description: 'Seats stream → each event’s versioned seat map, rebuilt once per tick, deltas to the viewer shards',
  table: 'seats',
  eventSource: {
    batchSize: 100,
    maxBatchingWindowSeconds: 0,
    bisectBatchOnError: false,
    retryAttempts: 3,
    maxRecordAgeSeconds: 60,
    reportBatchItemFailures: false,
  } satisfies StreamEventSourceSettings,
} as const;

export const STREAM_CONSUMERS: readonly StreamConsumerSpec[] = [ORDER_ENDINGS, SEAT_AVAILABILITY, SEAT_MAP_TICKS];
