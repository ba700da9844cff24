import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { ordersIn, planBroadcast, recordsOfOrders } from '../core/live/broadcast';
import { deliver, firstSequenceNumber } from '../core/live/live-delivery';
import { logger } from '../core/platform/logger';
import { eventsChangedIn, pushDashboards } from '../core/reports/dashboard-push';
import { ticketsForPushes } from '../core/tickets/order-tickets-view';
import { fromEnvironment, type Platform } from '../wiring/platform';

/**
 * Stream consumer of the seats and orders tables: one batch in, one coalesced message per
 * watching connection (seats) and per changed order to its buyer out (with its tickets). Reports the first record it
 * could not address as a batch item failure, so Lambda retries from there.
 */
export function createHandler(platform: Pick<Platform, 'store' | 'poster' | 'config'>) {
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const { store, poster } = platform;
    // An event's viewers (waiting-room messages) are the members of its seat-map shards.
    const audiences = { store, shards: platform.config.liveMap.shards };
    // Operators' dashboards, beside the buyers' messages (it never fails the batch).
    const dashboards = pushDashboards({ store, poster, sleep }, eventsChangedIn(event.Records));
    // Confirmed (and refunded) orders are pushed with their tickets, read from their own items.
    const { tickets, failed } = await ticketsForPushes(store, ordersIn(event.Records));
    const deliveries = planBroadcast(event.Records, store.now(), { byOrder: tickets, heldBack: failed });
    const report = await deliver(audiences, poster, deliveries);
    logger.debug('Broadcast a stream batch', { records: event.Records.length, messages: deliveries.length, ...report });
    await dashboards;
    const first = firstSequenceNumber([...report.failedSequenceNumbers, ...recordsOfOrders(event.Records, failed)]);
    return { batchItemFailures: first === undefined ? [] : [{ itemIdentifier: first }] };
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const handler = fromEnvironment(createHandler);
