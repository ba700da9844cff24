import { SFNServiceException } from '@aws-sdk/client-sfn';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createEvent } from '../../lambdas/core/events/create-event';
import { createOrder, FLOW_START_RETRY } from '../../lambdas/core/orders/create-order';
import type { Executions } from '../../lambdas/core/orders/executions';
import { getOrder } from '../../lambdas/core/orders/order-store';
import type { OrderWorkflow } from '../../lambdas/core/orders/order-workflow';
import { logger } from '../../lambdas/core/platform/logger';
import { createStore, type Store } from '../../lambdas/core/platform/store';
import { planReconcile, START_GRACE_MS } from '../../lambdas/core/reconcile/plan';
import { readSeats } from '../../lambdas/core/seats/seat-map';
import { useTestTables } from '../support/local-dynamo';

/**
 * Issue #13 item 4: a drop admits thousands of buyers at once and the account's StartExecution
 * bucket throttles the rest. Creating an order never fails for that: throttles are retried with
 * jitter, and an order whose start is still throttled stands (seats held) for the reconciler to
 * start its flow. Any other start error still fails the create.
 */
describe('creating an order while StartExecution throttles', () => {
  let store: Store;
  const EVENT = 'throttled-starts';
  const throttled = () =>
    new SFNServiceException({ name: 'ThrottlingException', $fault: 'client', message: 'Rate exceeded', $metadata: {} });
  const noExecutions: Executions = {
    describe: async () => undefined,
    history: async () => [],
    running: async () => [],
    stop: async () => false,
  };

  beforeAll(async () => {
    const { client, tables } = await useTestTables();
    store = createStore(client, tables);
    await createEvent(store, { eventId: EVENT, name: 'Throttled', rows: 2, seatsPerRow: 5, priceCents: 1000 });
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
  });

  const workflowFailing = (failures: number, error: () => Error = throttled) => {
    let calls = 0;
    const workflow: OrderWorkflow = {
      start: async (input) => {
        calls++;
        if (calls <= failures) throw error();
        return `arn:aws:states:us-east-1:000000000000:execution:orders:${input.orderId}`;
      },
      resume: async () => undefined,
      isRunning: async () => false,
    };
    return { workflow, calls: () => calls };
  };

  it('retries a throttled start until it goes through (the execution ARN is derived, not written back)', async () => {
    const { workflow, calls } = workflowFailing(2);
    const order = await createOrder(store, workflow, {
      eventId: EVENT,
      buyerId: 'b-1',
      selection: { seatIds: ['A1'] },
    });
    expect(calls()).toBe(3);
    expect(order.executionArn).toBeUndefined();
    expect((await getOrder(store, order.orderId)).version).toBe(1); // written once: the create
  });

  it('keeps the order and its seats when the bucket stays empty; the reconciler then starts its flow', async () => {
    const { workflow, calls } = workflowFailing(Number.POSITIVE_INFINITY);
    const order = await createOrder(store, workflow, {
      eventId: EVENT,
      buyerId: 'b-2',
      selection: { seatIds: ['A2'] },
    });
    expect(calls()).toBe(FLOW_START_RETRY.attempts);
    expect(order.status).toBe('HOLDING');
    expect(order.executionArn).toBeUndefined();
    expect((await getOrder(store, order.orderId)).status).toBe('HOLDING');
    const seat = (await readSeats(store, EVENT, { consistent: true })).find((s) => s.seatId === 'A2');
    expect(seat).toMatchObject({ status: 'HELD', orderId: order.orderId });

    const plan = await planReconcile(store, noExecutions, { now: order.createdAt + START_GRACE_MS + 1 });
    expect(plan.actions).toContainEqual(expect.objectContaining({ kind: 'startFlow', orderId: order.orderId }));
  });

  it('fails the create on any other start error (nothing to wait for)', async () => {
    const denied = () =>
      new SFNServiceException({ name: 'AccessDeniedException', $fault: 'client', message: 'no', $metadata: {} });
    const { workflow, calls } = workflowFailing(1, denied);
    await expect(
      createOrder(store, workflow, { eventId: EVENT, buyerId: 'b-3', selection: { seatIds: ['A3'] } }),
    ).rejects.toThrow('no');
    expect(calls()).toBe(1);
  });
});
