import type { StreamEventSourceSettings } from './stream-settings';

/**
 * The availability summary's stream consumer, as plain data read by the CDK stack
 * (lib/seats/availability-consumer.ts) and the local stack (local/availability-feed.ts), so both
 * run the same handler on the seats table's stream (lambdas/core/seats/availability.ts).
 */
export const SEAT_AVAILABILITY = {
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
