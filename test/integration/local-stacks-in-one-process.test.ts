import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getOrder } from '../../lambdas/core/orders/order-store';
import { OrderNotFound } from '../../lambdas/core/platform/errors';
import { DEMO_EVENT } from '../../local/demo-events';
import { type LocalStack, startLocalStack } from '../../local/local-stack';
import { call, createOrderFor, FAST_SIMULATOR_ENV, newBuyer, pollOrder } from '../support/api-client';

/**
 * Handlers get their dependencies from the stack that makes them, not from `process.env`: two
 * stacks run side by side in one process, each with its own tables, keys and order flow.
 */
describe('two local stacks in one process', () => {
  let first: LocalStack;
  let second: LocalStack;
  const environmentBefore = { ...process.env };

  beforeAll(async () => {
    [first, second] = await Promise.all([
      startLocalStack({ port: 0, tablePrefix: 'side-a', environment: { ...FAST_SIMULATOR_ENV } }),
      startLocalStack({ port: 0, tablePrefix: 'side-b', environment: { ...FAST_SIMULATOR_ENV, PAYMENT_ROUNDS: '1' } }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([first?.stop(), second?.stop()]);
  });

  it('leaves the process environment as it was', () => {
    expect(process.env).toEqual(environmentBefore);
    expect(first.platform.config.tables.orders).toBe('side-a-orders');
    expect(second.platform.config.tables.orders).toBe('side-b-orders');
    expect(first.platform.config.orderFlow.paymentRounds).toBe(3);
    expect(second.platform.config.orderFlow.paymentRounds).toBe(1);
  });

  it('creates and completes an order on each, each in its own tables', async () => {
    const orders = await Promise.all(
      [first, second].map(async (stack, i) => {
        const buyer = await newBuyer(stack);
        const created = await createOrderFor(stack, buyer, DEMO_EVENT.eventId, { seatIds: [`A${i + 1}`] });
        expect(created.status).toBe(201);
        const { orderId } = created.body.order;
        const paid = await call(stack, 'POST', `/api/orders/${orderId}/payment`, {
          token: buyer.token,
          body: { code: '11111' },
        });
        expect(paid.status).toBe(202);
        const done = await pollOrder(stack, buyer, orderId, (o) => o.status === 'CONFIRMED');
        expect(done.seatIds).toEqual([`A${i + 1}`]);
        return orderId;
      }),
    );
    const [onFirst, onSecond] = orders as [string, string];
    expect((await getOrder(first.store, onFirst)).status).toBe('CONFIRMED');
    expect((await getOrder(second.store, onSecond)).status).toBe('CONFIRMED');
    await expect(getOrder(first.store, onSecond)).rejects.toBeInstanceOf(OrderNotFound);
    await expect(getOrder(second.store, onFirst)).rejects.toBeInstanceOf(OrderNotFound);
  });

  it('keeps the keys of each stack: a session of one is refused by the other', async () => {
    const buyer = await newBuyer(first);
    const created = await createOrderFor(second, buyer, DEMO_EVENT.eventId, { seatIds: ['B1'] });
    expect(created.status).toBe(401);
    expect(first.sessionSigningKey).not.toBe(second.sessionSigningKey);
  });
});
