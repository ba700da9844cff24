import type { DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '../core/platform/logger';
import { storeFromEnv } from '../core/platform/store';
import { endedOrders, freeSlotsOf } from '../core/waiting-room/slot-release';

/** Orders-stream consumer: an order that ended frees its buyer's purchase slot in the waiting room. */
const store = storeFromEnv();

export async function handler(event: DynamoDBStreamEvent): Promise<void> {
  const ended = endedOrders(event.Records);
  if (ended.length === 0) return;
  await freeSlotsOf(store, ended);
  logger.info('Freed waiting-room slots of ended orders', { orderIds: ended.map((o) => o.orderId) });
}
