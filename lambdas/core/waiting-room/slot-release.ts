import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { getEvent } from '../events/event-records';
import { isFinal, type OrderRecord } from '../orders/order-record';
import type { Store } from '../platform/store';
import { readAvailability } from '../seats/availability';
import { releaseSlots } from './admission';
import { activeWaitingRoom } from './settings';

/**
 * Frees the purchase slot of every order that ended (confirmed, failed, expired, cancelled),
 * whichever way it ended (state machine, recovery at start-up): it watches the orders stream,
 * not the flow. Each slot is released only by its own order, so a replayed record is harmless.
 */

export interface EndedOrder {
  readonly orderId: string;
  readonly eventId: string;
  readonly buyerId: string;
  /** Ended without a sale: its seats went back on sale. */
  readonly seatsFreed: boolean;
}

/** Orders that reached a final status in these records (pure). */
export function endedOrders(records: readonly DynamoDBRecord[]): EndedOrder[] {
  const ended = new Map<string, EndedOrder>();
  for (const record of records) {
    const image = record.dynamodb?.NewImage;
    if (!image?.orderId) continue;
    const order = unmarshall(image as Record<string, AttributeValue>) as OrderRecord;
    const before = record.dynamodb?.OldImage?.status?.S;
    if (isFinal(order.status) && (before === undefined || !isFinal(before as OrderRecord['status']))) {
      ended.set(order.orderId, {
        orderId: order.orderId,
        eventId: order.eventId,
        buyerId: order.buyerId,
        seatsFreed: order.status !== 'CONFIRMED',
      });
    }
  }
  return [...ended.values()];
}

export async function freeSlotsOf(store: Store, ended: readonly EndedOrder[]): Promise<void> {
  const byEvent = new Map<string, EndedOrder[]>();
  for (const order of ended) byEvent.set(order.eventId, [...(byEvent.get(order.eventId) ?? []), order]);
  await Promise.all(
    [...byEvent].map(async ([eventId, orders]) => {
      const settings = activeWaitingRoom(await getEvent(store, eventId));
      if (!settings) return;
      // Sold out is re-decided from the actual count as orders end, confirmed or not (issue #12).
      const seatsLeft = (await readAvailability(store, eventId))?.freeCount;
      // The batch frees its slots and admits the next buyers in one write (the single writer's batch).
      await releaseSlots(store, eventId, settings, orders, seatsLeft);
    }),
  );
}
