import { QueryCommand, type QueryCommandInput, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { forEachLimited } from '../platform/concurrency';
import { batchGetAll, queryAll, scanAll } from '../platform/pages';
import type { Store } from '../platform/store';
import type { BuyerKey } from './open-order-repository';
import type { OrderRecord } from './order-record';

/**
 * "The orders of this event" without an index of the orders table (issue #13: the keys-only
 * `byEvent` index cost every order's create a second write unit). Each buyer's item in the
 * `buyers` table (partition `eventId`) lists the ids of the orders the buyer ever created for the
 * event in a string set, `orderIds`. The open-order claim adds the id in the same UpdateItem
 * that takes the pointer (open-order-store.ts: no extra request, no extra unit while the item
 * stays within 1 KB), and a create that did not come through a claim lists its id first
 * (`listOrder`, create-order.ts) — so every order is listed before it is written.
 *
 * A listed id may have no order (its claim succeeded, its create then failed: seats taken, sold
 * out, a crash before the Put): readers skip ids whose order does not exist.
 */

/** The attribute of a buyer's item that lists their orders of the event. */
export const ORDER_IDS = 'orderIds';

/** Lists an order created without a claim of the buyer's pointer (one UpdateItem, idempotent). */
export async function listOrder(store: Store, buyer: BuyerKey, orderId: string): Promise<void> {
  await store.doc.send(
    new UpdateCommand({
      TableName: store.tables.buyers,
      Key: { eventId: buyer.eventId, buyerId: buyer.buyerId },
      UpdateExpression: 'ADD #orderIds :orderId',
      ExpressionAttributeNames: { '#orderIds': ORDER_IDS },
      ExpressionAttributeValues: { ':orderId': new Set([orderId]) },
    }),
  );
}

/**
 * The query of the event's `buyers` partition for the items that list orders. The filter applies
 * after the read: every item of the partition is read and billed (buyers in a waiting room, the
 * availability rows, the live map item), which is the price of not indexing every order's create.
 */
function listingQuery(store: Store, eventId: string): QueryCommandInput {
  return {
    TableName: store.tables.buyers,
    KeyConditionExpression: 'eventId = :eventId',
    FilterExpression: 'attribute_exists(#orderIds)',
    ProjectionExpression: '#orderIds',
    ExpressionAttributeNames: { '#orderIds': ORDER_IDS },
    ExpressionAttributeValues: { ':eventId': eventId },
  };
}

/**
 * Every order id listed for the event (eventually consistent: an order listed a moment ago may be
 * missing), in no particular order; some may name no order (see above).
 */
export async function listedOrderIds(store: Store, eventId: string): Promise<string[]> {
  const items = await queryAll<{ orderIds?: Set<string> }>(store, listingQuery(store, eventId));
  return [...new Set(items.flatMap((item) => [...(item.orderIds ?? [])]))];
}

/**
 * Whether the event has any order (strongly consistent listing). A filter applies after `Limit`,
 * so pages are read until the first listed id whose order exists, or the end of the partition.
 */
export async function anyOrderListed(store: Store, eventId: string): Promise<boolean> {
  let startKey: QueryCommandInput['ExclusiveStartKey'];
  do {
    const page = await store.doc.send(
      new QueryCommand({ ...listingQuery(store, eventId), ConsistentRead: true, ExclusiveStartKey: startKey }),
    );
    const ids = ((page.Items ?? []) as { orderIds?: Set<string> }[]).flatMap((item) => [...(item.orderIds ?? [])]);
    if (ids.length > 0 && (await existingOrders(store, ids)).some((order) => order.eventId === eventId)) return true;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return false;
}

/** The orders of these ids that exist (by key, strongly consistent): listed ids may name none. */
export function existingOrders(store: Store, orderIds: readonly string[]): Promise<OrderRecord[]> {
  return batchGetAll<OrderRecord>(
    store,
    store.tables.orders,
    orderIds.map((orderId) => ({ orderId })),
    (order) => order.orderId,
    (key) => String(key.orderId),
  );
}

/**
 * Lists every order of the table on its buyer's item (`npm run list-orders`): what a stage (or a
 * persisted local data directory) whose orders were made before the lists existed needs once,
 * after the code that lists them is deployed — those orders were found by the dropped `byEvent`
 * index. Idempotent (a set ADD); a full scan, for operators only. Returns how many it listed.
 */
export async function listEveryOrder(store: Store): Promise<number> {
  const orders = await scanAll<Pick<OrderRecord, 'orderId' | 'eventId' | 'buyerId'>>(store, {
    TableName: store.tables.orders,
    ProjectionExpression: 'orderId, eventId, buyerId',
  });
  await forEachLimited(orders, 8, (order) => listOrder(store, order, order.orderId));
  return orders.length;
}
