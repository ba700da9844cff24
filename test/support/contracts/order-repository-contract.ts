import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OrderRecord } from '../../../lambdas/core/orders/order-record';
import type { OrderRepository } from '../../../lambdas/core/orders/order-repository';
import { OrderNotFound, OrderStateConflict } from '../../../lambdas/core/platform/errors';

/** A settable clock shared by a repository under test and its test. */
export interface TestClock {
  now: number;
}

export function newOrder(change: Partial<OrderRecord> = {}): OrderRecord {
  return {
    orderId: `ord_${randomUUID()}`,
    eventId: 'ev-contract',
    buyerId: 'buyer-1',
    status: 'HOLDING',
    seatIds: ['A1', 'A2'],
    holdExpiresAt: 1_000_000,
    amountCents: 2000,
    currency: 'EUR',
    payment: { status: 'idle', round: 0, attempt: 0 },
    createdAt: 1,
    updatedAt: 1,
    version: 1,
    ...change,
  };
}

/**
 * What every `OrderRepository` does, run against the DynamoDB adapter on DynamoDB Local
 * (test/integration/order-repository.test.ts) and the in-memory fake (test/unit/), so they cannot drift.
 */
export function orderRepositoryContract(name: string, setUp: (clock: TestClock) => Promise<OrderRepository>): void {
  describe(`OrderRepository contract: ${name}`, () => {
    const clock: TestClock = { now: 5_000 };
    let orders: OrderRepository;
    beforeAll(async () => {
      orders = await setUp(clock);
    });

    it('get throws OrderNotFound, find and statusOf answer undefined, for an order never written', async () => {
      await expect(orders.get('ord_missing')).rejects.toBeInstanceOf(OrderNotFound);
      expect(await orders.find('ord_missing')).toBeUndefined();
      expect(await orders.statusOf('ord_missing')).toBeUndefined();
    });

    it('putNew writes once: a retry with the same id returns the order already written', async () => {
      const first = newOrder();
      expect(await orders.putNew(first)).toEqual(first);
      const retry = { ...first, seatIds: ['Z9'] };
      expect(await orders.putNew(retry)).toEqual(first);
      expect(await orders.get(first.orderId)).toEqual(first);
      expect(await orders.find(first.orderId)).toEqual(first);
      expect(await orders.statusOf(first.orderId)).toBe('HOLDING');
    });

    it('update sets (also inside maps), removes and increments, stamps updatedAt and adds 1 to version', async () => {
      const order = await orders.putNew(newOrder({ taskToken: 'tok', lastChangeError: 'was' }));
      clock.now = 7_000;
      const after = await orders.update(order.orderId, {
        set: { status: 'PAYING', 'payment.status': 'trying', paymentDeadline: 9_000 },
        remove: ['taskToken', 'lastChangeError'],
        increment: { 'payment.round': 1 },
        from: ['HOLDING'],
      });
      expect(after).toMatchObject({
        status: 'PAYING',
        payment: { status: 'trying', round: 1, attempt: 0 },
        paymentDeadline: 9_000,
        updatedAt: 7_000,
        version: 2,
      });
      expect(after.taskToken).toBeUndefined();
      expect(after.lastChangeError).toBeUndefined();
      expect(await orders.get(order.orderId)).toEqual(after);
    });

    it('update from a status the order is not in is OrderStateConflict, and writes nothing', async () => {
      const order = await orders.putNew(newOrder({ status: 'CONFIRMED' }));
      const refused = orders.update(order.orderId, { set: { status: 'CANCELLED' }, from: ['HOLDING', 'PAYING'] });
      await expect(refused).rejects.toBeInstanceOf(OrderStateConflict);
      await expect(refused).rejects.toMatchObject({ code: 'OrderStateConflict' });
      expect(await orders.get(order.orderId)).toEqual(order);
    });

    it('update of an order never written is OrderNotFound', async () => {
      await expect(orders.update('ord_none', { set: { status: 'FAILED' }, from: ['HOLDING'] })).rejects.toBeInstanceOf(
        OrderNotFound,
      );
    });

    it('each expectation guards the change: a miss is OrderStateConflict, a match applies', async () => {
      const charged = (chargeId?: string) =>
        newOrder({
          status: 'PAYING',
          taskToken: 'tok-1',
          failureReason: 'why',
          payment: {
            status: 'trying',
            round: 1,
            attempt: 2,
            intent: { key: 'key-1', amountCents: 2000, round: 1 },
            ...(chargeId ? { chargeId } : {}),
          },
        });
      const cases = [
        { order: charged(), hit: { taskToken: 'tok-1' }, miss: { taskToken: 'tok-2' } },
        { order: newOrder(), hit: { withoutTaskToken: true }, miss: undefined },
        { order: charged(), hit: undefined, miss: { withoutTaskToken: true } },
        { order: charged(), hit: { version: 1 }, miss: { version: 2 } },
        { order: charged(), hit: { failureReason: 'why' }, miss: { failureReason: 'other' } },
        { order: charged(), hit: { paymentAttempt: 2 }, miss: { paymentAttempt: 1 } },
        { order: charged(), hit: { intentKey: 'key-1' }, miss: { intentKey: 'key-0' } },
        { order: charged(), hit: { uncharged: true }, miss: undefined },
        { order: charged('ch-1'), hit: undefined, miss: { uncharged: true } },
        { order: charged(), hit: { unchargedOr: 'ch-1' }, miss: undefined },
        { order: charged('ch-1'), hit: { unchargedOr: 'ch-1' }, miss: { unchargedOr: 'ch-2' } },
        { order: charged('ch-1'), hit: { charged: true }, miss: undefined },
        { order: charged(), hit: undefined, miss: { charged: true } },
        {
          order: charged(),
          hit: { intentKey: 'key-1', paymentAttempt: 2 },
          miss: { intentKey: 'key-1', paymentAttempt: 3 },
        },
      ] as const;
      for (const { order, hit, miss } of cases) {
        await orders.putNew(order);
        const from = [order.status];
        if (miss) {
          await expect(
            orders.update(order.orderId, { set: { lastChangeError: 'x' }, from, expect: miss }),
            JSON.stringify(miss),
          ).rejects.toBeInstanceOf(OrderStateConflict);
        }
        if (hit) {
          const after = await orders.update(order.orderId, { set: { lastChangeError: 'x' }, from, expect: hit });
          expect(after.lastChangeError, JSON.stringify(hit)).toBe('x');
        }
      }
    });

    it('two updates guarded by the same version: exactly one applies', async () => {
      const order = await orders.putNew(newOrder());
      const results = await Promise.allSettled(
        ['a', 'b'].map((who) =>
          orders.update(order.orderId, { set: { lastChangeError: who }, from: ['HOLDING'], expect: { version: 1 } }),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(refused.reason).toBeInstanceOf(OrderStateConflict);
      expect((await orders.get(order.orderId)).version).toBe(2);
    });
  });
}
