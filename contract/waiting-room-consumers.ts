import type { StreamEventSourceSettings } from './stream-settings';

/**
 * The waiting room's stream consumer, as plain data read by the CDK stack (lib/queue/) and the
 * local stack (local/waiting-room-feed.ts), so both run the same handler on the same table's stream.
 */
export const ORDER_ENDINGS = {
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
