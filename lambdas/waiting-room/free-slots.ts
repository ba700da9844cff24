import type { DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '../core/platform/logger';
import { endedOrders, freeSlotsOf } from '../core/waiting-room/slot-release';
import { fromEnvironment, type Platform } from '../wiring/platform';

/** Orders-stream consumer: an order that ended frees its buyer's purchase slot in the waiting room. */
export function createHandler(platform: Pick<Platform, 'store'>) {
  return async (event: DynamoDBStreamEvent): Promise<void> => {
    const ended = endedOrders(event.Records);
    if (ended.length === 0) return;
    await freeSlotsOf(platform.store, ended);
    logger.info('Freed waiting-room slots of ended orders', { orderIds: ended.map((o) => o.orderId) });
  };
}

export const handler = fromEnvironment(createHandler);
