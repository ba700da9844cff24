import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { planBroadcast } from '../core/live/broadcast';
import { deliver, firstSequenceNumber } from '../core/live/live-delivery';
import { logger } from '../core/platform/logger';
import { fromEnvironment, type Platform } from '../wiring/platform';

/**
 * Stream consumer of the seats and orders tables: one batch in, one coalesced message per
 * watching connection (seats) and per changed order to its buyer out. Reports the first record it
 * could not address as a batch item failure, so Lambda retries from there.
 */
export function createHandler(platform: Pick<Platform, 'store' | 'poster'>) {
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const { store, poster } = platform;
    const deliveries = planBroadcast(event.Records, store.now());
    const report = await deliver(store, poster, deliveries);
    logger.debug('Broadcast a stream batch', { records: event.Records.length, messages: deliveries.length, ...report });
    const failed = firstSequenceNumber(report.failedSequenceNumbers);
    return { batchItemFailures: failed === undefined ? [] : [{ itemIdentifier: failed }] };
  };
}

export const handler = fromEnvironment(createHandler);
