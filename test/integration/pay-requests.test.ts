import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { MIN_HOLD_TO_PAY_MS, PAYMENT_WINDOW_MS } from '../../contract/order-flow-settings';
import { createEvent } from '../../lambdas/core/events/create-event';
import { submitBuyerAction } from '../../lambdas/core/orders/buyer-action';
import { createOrder } from '../../lambdas/core/orders/create-order';
import { openOrder } from '../../lambdas/core/orders/open-order';
import { toOrderView } from '../../lambdas/core/orders/order-record';
import { getOrder, updateOrder } from '../../lambdas/core/orders/order-store';
import type { BuyerAction, OrderFlowInput, OrderWorkflow } from '../../lambdas/core/orders/order-workflow';
import { awaitBuyer, changeSeats } from '../../lambdas/core/orders/steps/hold-steps';
import { HoldExpired, TooLateToPay } from '../../lambdas/core/platform/errors';
import { createStore, type Store } from '../../lambdas/core/platform/store';
import type { SeatItem } from '../../lambdas/core/seats/seat-item';
import { holdSeats } from '../../lambdas/core/seats/seat-locks';
import { useTestTables } from '../support/local-dynamo';

/**
 * The buyer's requests to a waiting order flow, on DynamoDB Local: what a pay request writes and
 * holds, what a resume that fails (or answers ambiguously) leaves behind, and the limits on how
 * long an order can keep its seats. The flow is a stand-in here whose resume does what each
 * scenario needs; the state machine itself is tested in order-flow tests.
 */
describe('pay and change requests', () => {
  let store: Store;
  /** Added to the real clock: lets a test move "now" forward without waiting. */
  let offset = 0;
  let seq = 0;
  const buyerId = 'buyer';

  beforeAll(async () => {
    const { client, tables } = await useTestTables();
    store = createStore(client, tables, { now: () => Date.now() + offset });
  });

  const resumes: { token: string; action: BuyerAction }[] = [];
  const started: OrderFlowInput[] = [];
  function workflow(
    resume: OrderWorkflow['resume'] = async (token, action) => void resumes.push({ token, action }),
  ): OrderWorkflow {
    return {
      start: async (input) => {
        started.push(input);
        return `arn:test:execution:${input.orderId}`;
      },
      resume,
      isRunning: async () => false,
    };
  }

  async function waitingOrder(seatIds: string[], holdSeconds = 60) {
    seq += 1;
    const eventId = `pay-req-${seq}`;
    await createEvent(store, { eventId, name: 'Pay requests', rows: 2, seatsPerRow: 6, priceCents: 1500, holdSeconds });
    const order = await createOrder(store, workflow(), { eventId, buyerId, selection: { seatIds } });
    return awaitBuyer(store, { orderId: order.orderId, taskToken: `token-${seq}` }).then(() =>
      getOrder(store, order.orderId),
    );
  }
  const seat = async (eventId: string, seatId: string) =>
    (
      await store.doc.send(
        new GetCommand({ TableName: store.tables.seats, Key: { eventId, seatId }, ConsistentRead: true }),
      )
    ).Item as SeatItem;
  const pay = { action: 'pay', code: '11111' } as const;

  it('a pay request holds the seats over the payment window and records its deadline', async () => {
    const order = await waitingOrder(['A1', 'A2'], 10);
    const before = Date.now() + offset;
    const paying = await submitBuyerAction(store, workflow(), { orderId: order.orderId, buyerId, action: pay });
    expect(paying.paymentDeadline).toBeGreaterThanOrEqual(before + PAYMENT_WINDOW_MS);
    expect(paying.holdExpiresAt).toBe(order.holdExpiresAt); // the hold's own deadline is unchanged
    expect(toOrderView(paying)).toMatchObject({ status: 'PAYING', paymentDeadline: paying.paymentDeadline }); // the page counts down to it
    expect(toOrderView(order)).not.toHaveProperty('paymentDeadline');
    for (const seatId of ['A1', 'A2']) {
      expect(await seat(order.eventId, seatId)).toMatchObject({
        status: 'HELD',
        orderId: order.orderId,
        holdExpiresAt: paying.paymentDeadline,
      });
    }
    // After the hold's own end, another buyer still cannot take the seats while the payment runs.
    offset += 11_000;
    await expect(
      holdSeats(store, {
        eventId: order.eventId,
        orderId: 'next-buyer',
        seatIds: ['A1'],
        holdExpiresAt: Date.now() + offset + 60_000,
      }),
    ).rejects.toThrow('already taken');
    offset = 0;
  });

  it('a pay request with too little of the hold left is refused clearly; the order still waits', async () => {
    const order = await waitingOrder(['B1'], 10);
    offset = order.holdExpiresAt - Date.now() - (MIN_HOLD_TO_PAY_MS - 1000);
    try {
      const refused = submitBuyerAction(store, workflow(), { orderId: order.orderId, buyerId, action: pay });
      await expect(refused).rejects.toThrow(TooLateToPay);
      await expect(refused).rejects.toMatchObject({ code: 'TooLateToPay' });
    } finally {
      offset = 0;
    }
    expect(await getOrder(store, order.orderId)).toMatchObject({
      status: 'HOLDING',
      taskToken: order.taskToken,
      payment: { round: 0 },
    });
    expect((await seat(order.eventId, 'B1')).holdExpiresAt).toBe(order.holdExpiresAt);
  });

  it('a resume that failed before the flow moved on is undone: the buyer can simply try again', async () => {
    const order = await waitingOrder(['B2']);
    const failing = workflow(async () => {
      throw new Error('socket hang up');
    });
    await expect(submitBuyerAction(store, failing, { orderId: order.orderId, buyerId, action: pay })).rejects.toThrow(
      'socket hang up',
    );
    const restored = await getOrder(store, order.orderId);
    expect(restored).toMatchObject({
      status: 'HOLDING',
      taskToken: order.taskToken,
      payment: { status: 'idle', round: 0, attempt: 0 },
    });
    expect(restored.payment.intent).toBeUndefined();
    expect(restored.paymentDeadline).toBeUndefined();
    expect(await submitBuyerAction(store, workflow(), { orderId: order.orderId, buyerId, action: pay })).toMatchObject({
      status: 'PAYING',
      payment: { round: 1 },
    });
  });

  it('a resume that failed ambiguously never overwrites a payment the flow is already running', async () => {
    const order = await waitingOrder(['B3']);
    // SendTaskSuccess reached the flow, its answer did not reach us; the first attempt started.
    const delivered = workflow(async () => {
      await updateOrder(store, order.orderId, {
        set: { 'payment.attempt': 1, 'payment.status': 'trying' },
        from: ['PAYING'],
      });
      throw new Error('socket hang up');
    });
    const answer = await submitBuyerAction(store, delivered, { orderId: order.orderId, buyerId, action: pay });
    expect(answer).toMatchObject({ status: 'PAYING', payment: { round: 1, attempt: 1 } });
    const after = await getOrder(store, order.orderId);
    expect(after).toMatchObject({ status: 'PAYING', payment: { round: 1, attempt: 1, intent: { round: 1 } } });
    expect(after.taskToken).toBeUndefined();
  });

  it('"token gone" from a retried resume after the flow moved on is not reported as an expired hold', async () => {
    const order = await waitingOrder(['B4']);
    const retried = workflow(async () => {
      await updateOrder(store, order.orderId, { set: { 'payment.attempt': 1 }, from: ['PAYING'] }); // the first send went through
      throw new HoldExpired([]); // what TaskTimedOut / InvalidToken become for the retried send
    });
    expect(await submitBuyerAction(store, retried, { orderId: order.orderId, buyerId, action: pay })).toMatchObject({
      status: 'PAYING',
    });

    // A token that really timed out: the flow expires the order, the buyer hears HoldExpired.
    const expired = await waitingOrder(['B5']);
    const timedOut = workflow(async () => {
      await updateOrder(store, expired.orderId, { set: { status: 'EXPIRED' }, from: ['PAYING'] });
      throw new HoldExpired([]);
    });
    await expect(
      submitBuyerAction(store, timedOut, { orderId: expired.orderId, buyerId, action: pay }),
    ).rejects.toThrow(HoldExpired);
  });

  it('a change of seats keeps the original deadline; the same seats again write nothing', async () => {
    const order = await waitingOrder(['A3']);
    offset = 5_000;
    try {
      expect(await changeSeats(store, { orderId: order.orderId, seatIds: ['A4', 'A5'] })).toMatchObject({
        changed: true,
      });
      const changed = await getOrder(store, order.orderId);
      expect(changed).toMatchObject({ seatIds: ['A4', 'A5'], holdExpiresAt: order.holdExpiresAt, amountCents: 3000 });
      expect((await seat(order.eventId, 'A4')).holdExpiresAt).toBe(order.holdExpiresAt);

      expect(await changeSeats(store, { orderId: order.orderId, seatIds: ['A5', 'A4'] })).toMatchObject({
        changed: false,
      });
      expect((await getOrder(store, order.orderId)).version).toBe(changed.version);
      expect((await seat(order.eventId, 'A5')).holdExpiresAt).toBe(order.holdExpiresAt);
    } finally {
      offset = 0;
    }
  });

  it('an open order whose flow never started is started (same order id) when the buyer asks again', async () => {
    seq += 1;
    const eventId = `pay-req-${seq}`;
    await createEvent(store, { eventId, name: 'Unstarted', rows: 1, seatsPerRow: 4, priceCents: 1000 });
    // The create died between the order write and StartExecution; the buyer's claim points at it.
    const startFails: OrderWorkflow = {
      ...workflow(),
      start: async () => Promise.reject(new Error('StartExecution throttled')),
    };
    await expect(
      createOrder(store, startFails, {
        eventId,
        buyerId,
        selection: { seatIds: ['A1'] },
        orderId: `ord-unstarted-${seq}`,
      }),
    ).rejects.toThrow('throttled');
    await store.doc.send(
      new UpdateCommand({
        TableName: store.tables.buyers,
        Key: { eventId, buyerId },
        UpdateExpression: 'SET openOrderId = :orderId, claimedAt = :now',
        ExpressionAttributeValues: { ':orderId': `ord-unstarted-${seq}`, ':now': Date.now() },
      }),
    );

    const again = await openOrder(store, workflow(), { eventId, buyerId, selection: { seatIds: ['A1'] } });
    expect(again).toMatchObject({
      created: false,
      order: { orderId: `ord-unstarted-${seq}` },
    });
    expect(started.filter((s) => s.orderId === `ord-unstarted-${seq}`)).toHaveLength(1);
  });
});
