import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TableNames } from '../../contract/tables';
import { createEvent } from '../../lambdas/core/events/create-event';
import { ordersOfEvent } from '../../lambdas/core/events/event-report';
import { anyOrderListed, listEveryOrder, listedOrderIds, listOrder } from '../../lambdas/core/orders/buyer-orders';
import { createOrder } from '../../lambdas/core/orders/create-order';
import { openOrder } from '../../lambdas/core/orders/open-order';
import { openOrderRepository } from '../../lambdas/core/orders/open-order-store';
import { updateOrder } from '../../lambdas/core/orders/order-store';
import type { OrderWorkflow } from '../../lambdas/core/orders/order-workflow';
import { createStore, type Store } from '../../lambdas/core/platform/store';
import { useTestTables } from '../support/local-dynamo';

/**
 * An event's orders without an index of the orders table (issue #13): the buyers' items list
 * them (`orderIds`, written by the open-order claim or, for a create without a claim, just before
 * the order), and the reports read the listed orders by key.
 */
describe("an event's orders, as the buyers' items list them", () => {
  let store: Store;
  let tables: TableNames;
  let clock = Date.parse('2026-12-01T12:00:00Z');
  /** The flow is not what this is about: never started, never running. */
  const noFlow: OrderWorkflow = { start: async () => '', resume: async () => undefined, isRunning: async () => false };

  beforeAll(async () => {
    const test = await useTestTables();
    tables = test.tables;
    store = createStore(test.client, tables, { now: () => clock });
  });

  const newEvent = (eventId: string) =>
    createEvent(store, { eventId, name: eventId, rows: 2, seatsPerRow: 4, priceCents: 1000 });
  const buy = async (eventId: string, buyerId: string, seatIds: string[]) => {
    clock += 1000; // creates one second apart: the list is oldest first
    return (await openOrder(store, noFlow, { eventId, buyerId, selection: { seatIds } })).order;
  };

  it('lists every order once, oldest first: a buyer with an ended and an open order, a create without a claim; skips ids without an order and orders of other events', async () => {
    await newEvent('listed');
    await newEvent('elsewhere');

    const first = await buy('listed', 'alice', ['A1']);
    await updateOrder(store, first.orderId, { set: { status: 'CANCELLED' }, from: ['HOLDING'] });
    const second = await buy('listed', 'alice', ['A2']); // takes over the pointer of the ended order
    expect(second.orderId).not.toBe(first.orderId);

    // A claim that succeeded and whose create then failed (the seat is alice's): listed, no order.
    await expect(buy('listed', 'bob', ['A2'])).rejects.toMatchObject({ name: 'SeatsTaken' });
    // A claim whose order was never written (the request died between the two writes).
    await openOrderRepository(store).claim({ eventId: 'listed', buyerId: 'carol' }, 'ord-never-written', undefined, 1);

    clock += 1000;
    const direct = await createOrder(store, noFlow, {
      eventId: 'listed',
      buyerId: 'dave',
      selection: { seatIds: ['B1'] },
    });
    const other = await buy('elsewhere', 'erin', ['A1']);
    // An id of another event's order listed here (a create retried with that id under this event).
    await listOrder(store, { eventId: 'listed', buyerId: 'erin' }, other.orderId);

    // A refused claim (the pointer names alice's open order) lists nothing.
    const refused = await openOrderRepository(store).claim(
      { eventId: 'listed', buyerId: 'alice' },
      'ord-refused',
      undefined,
      2,
    );
    expect(refused).toEqual({ claimed: false, current: second.orderId });

    expect(await listedOrderIds(store, 'listed')).toHaveLength(6); // alice ×2, bob, carol, dave, erin's
    expect(await listedOrderIds(store, 'listed')).not.toContain('ord-refused');
    const orders = await ordersOfEvent(store, 'listed');
    expect(orders.map((o) => o.orderId)).toEqual([first.orderId, second.orderId, direct.orderId]);
    expect(orders.map((o) => o.status)).toEqual(['CANCELLED', 'HOLDING', 'HOLDING']);
    expect((await ordersOfEvent(store, 'elsewhere')).map((o) => o.orderId)).toEqual([other.orderId]);
  });

  it('an event has orders once one exists: a listed id without an order does not count', async () => {
    await newEvent('edit-check');
    expect(await anyOrderListed(store, 'edit-check')).toBe(false);
    await openOrderRepository(store).claim({ eventId: 'edit-check', buyerId: 'ghost' }, 'ord-ghost', undefined, 1);
    expect(await anyOrderListed(store, 'edit-check')).toBe(false);
    await buy('edit-check', 'frank', ['B4']);
    expect(await anyOrderListed(store, 'edit-check')).toBe(true);
  });

  it('an order made before the lists (no buyer lists it) is listed by the one-off backfill', async () => {
    await newEvent('before-lists');
    const order = await buy('before-lists', 'gina', ['A1']);
    // What an order of the old code looks like: written, but on no buyer's item.
    await store.doc.send(new PutCommand({ TableName: tables.orders, Item: { ...order, orderId: 'ord-old' } }));
    expect((await ordersOfEvent(store, 'before-lists')).map((o) => o.orderId)).toEqual([order.orderId]);
    expect(await listEveryOrder(store)).toBeGreaterThanOrEqual(2);
    expect((await ordersOfEvent(store, 'before-lists')).map((o) => o.orderId).sort()).toEqual(
      [order.orderId, 'ord-old'].sort(),
    );
  });
});
