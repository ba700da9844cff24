import { beforeAll, describe, expect, it } from 'vitest';
import { createEvent } from '../../lambdas/core/events/create-event';
import { createOrder } from '../../lambdas/core/orders/create-order';
import { getOrder, updateOrder } from '../../lambdas/core/orders/order-store';
import type { OrderWorkflow } from '../../lambdas/core/orders/order-workflow';
import { compensateOrder } from '../../lambdas/core/orders/settlement';
import { settleEndedExecution } from '../../lambdas/core/orders/steps/execution-ended';
import { PaymentDeclined, PaymentProcessorUnavailable, paymentKey } from '../../lambdas/core/payments/processor';
import { SimulatedProcessor } from '../../lambdas/core/payments/simulated-processor';
import { createStore, type Store } from '../../lambdas/core/platform/store';
import { confirmSeats } from '../../lambdas/core/seats/seat-locks';
import { readSeats } from '../../lambdas/core/seats/seat-map';
import { putTickets, ticketsOfOrder } from '../../lambdas/core/tickets/ticket-store';
import { makeTickets } from '../../lambdas/core/tickets/ticket-tokens';
import { useTestTables } from '../support/local-dynamo';

/**
 * The one compensation every failure path ends in, and the processor's answers it relies on:
 * a charge is found by its key even when its answer was lost, and refunded unless ticketed.
 */
describe('settlement', () => {
  let store: Store;
  const workflow: OrderWorkflow = {
    start: async (i) => `arn:test:${i.orderId}`,
    resume: async () => undefined,
    isRunning: async () => true,
  };
  const fast = { declineRate: 0, latencyMs: 1, slowRate: 0, slowLatencyMs: 1, lostAnswerRate: 0 };
  const EVENT = 'settle-event';

  beforeAll(async () => {
    const { client, tables } = await useTestTables();
    store = createStore(client, tables);
    await createEvent(store, { eventId: EVENT, name: 'Settle', rows: 3, seatsPerRow: 6, priceCents: 1000 });
  });

  /** An order that asked to pay (round 1) — what the buyer API writes before the flow charges. */
  async function payingOrder(seatIds: string[]) {
    const order = await createOrder(store, workflow, { eventId: EVENT, buyerId: 'b', selection: { seatIds } });
    return updateOrder(store, order.orderId, {
      set: {
        status: 'PAYING',
        'payment.intent': { key: paymentKey(order.orderId, 1), amountCents: order.amountCents, round: 1 },
      },
      increment: { 'payment.round': 1 },
      from: ['HOLDING'],
    });
  }
  const chargeRequest = (orderId: string, code = '11111', attempt = 1) => ({
    idempotencyKey: paymentKey(orderId, 1),
    orderId,
    amountCents: 1000,
    currency: 'EUR',
    code,
    attempt,
  });
  const seatsOf = async (ids: string[]) =>
    (await readSeats(store, EVENT, { consistent: true })).filter((s) => ids.includes(s.seatId));

  it('finds a charge whose answer was lost by its key, and never charges the key twice', async () => {
    const lossy = new SimulatedProcessor(store, { ...fast, lostAnswerRate: 1 });
    const order = await payingOrder(['A1']);
    await expect(lossy.charge(chargeRequest(order.orderId))).rejects.toThrow(PaymentProcessorUnavailable);
    expect(await lossy.lookup(paymentKey(order.orderId, 1))).toMatchObject({
      status: 'CHARGED',
      amountCents: 1000,
      orderId: order.orderId,
    });
    const again = await new SimulatedProcessor(store, fast).charge(chargeRequest(order.orderId, '11111', 2));
    expect(again.chargeId).toBe((await lossy.lookup(paymentKey(order.orderId, 1))).chargeId);
    expect((await lossy.ledgerFor(order.orderId)).filter((e) => e.outcome === 'CHARGED')).toHaveLength(1);
    expect(await lossy.lookup('nobody#1')).toEqual({ idempotencyKey: 'nobody#1', status: 'NONE' });
  });

  it('lets a declined pay request be tried again under the same key', async () => {
    const processor = new SimulatedProcessor(store, fast);
    const order = await payingOrder(['A2']);
    await expect(processor.charge(chargeRequest(order.orderId, '22222', 1))).rejects.toThrow(PaymentDeclined);
    expect((await processor.lookup(paymentKey(order.orderId, 1))).status).toBe('DECLINED');
    const charge = await processor.charge(chargeRequest(order.orderId, '22222', 2));
    expect((await processor.lookup(paymentKey(order.orderId, 1))).chargeId).toBe(charge.chargeId);
  });

  it('refunds a charge the order never recorded, frees seats already sold to it and voids its tickets', async () => {
    const processor = new SimulatedProcessor(store, { ...fast, lostAnswerRate: 1 });
    const order = await payingOrder(['A3', 'A4']);
    await expect(processor.charge(chargeRequest(order.orderId))).rejects.toThrow(PaymentProcessorUnavailable);
    await confirmSeats(store, { eventId: EVENT, orderId: order.orderId, seatIds: ['A3', 'A4'] });
    await putTickets(store, makeTickets({ ...order, seatIds: ['A3'] }, 'test-key-0123456789', store.now()));

    const result = await compensateOrder(store, processor, {
      orderId: order.orderId,
      status: 'FAILED',
      reason: 'IssueTickets kept failing',
    });
    expect(result.status).toBe('FAILED');
    expect([...result.releasedSeatIds].sort()).toEqual(['A3', 'A4']);
    expect(result.refundedChargeIds).toHaveLength(1);
    const ended = await getOrder(store, order.orderId);
    expect(ended).toMatchObject({ status: 'FAILED', failureReason: 'IssueTickets kept failing' });
    expect(result.voidedTicketIds).toHaveLength(1);
    expect((await ticketsOfOrder(store, ended)).map((t) => [t.seatId, t.state])).toEqual([['A3', 'VOIDED']]);
    expect((await seatsOf(['A3', 'A4'])).map((s) => s.status)).toEqual(['AVAILABLE', 'AVAILABLE']);
    expect((await processor.lookup(paymentKey(order.orderId, 1))).status).toBe('REFUNDED');

    // Again (a retried step, the execution-ended rule, the reconciler): nothing more happens.
    expect(
      await compensateOrder(store, processor, { orderId: order.orderId, status: 'EXPIRED', reason: 'again' }),
    ).toMatchObject({
      status: 'FAILED',
      releasedSeatIds: [],
      refundedChargeIds: [],
    });
  });

  it('refunds a charge that landed after the order had already ended, and leaves seats it lost alone', async () => {
    const processor = new SimulatedProcessor(store, fast);
    const order = await payingOrder(['B1']);
    await compensateOrder(store, processor, { orderId: order.orderId, status: 'CANCELLED', reason: 'cancelled' });
    const other = await createOrder(store, workflow, { eventId: EVENT, buyerId: 'c', selection: { seatIds: ['B1'] } });
    await processor.charge(chargeRequest(order.orderId)); // the late charge
    const result = await compensateOrder(store, processor, {
      orderId: order.orderId,
      status: 'CANCELLED',
      reason: 'again',
    });
    expect(result).toMatchObject({ status: 'CANCELLED', releasedSeatIds: [] });
    expect(result.refundedChargeIds).toHaveLength(1);
    expect((await seatsOf(['B1']))[0]).toMatchObject({ status: 'HELD', orderId: other.orderId });
  });

  it('never touches a confirmed order', async () => {
    const processor = new SimulatedProcessor(store, fast);
    const order = await payingOrder(['B2']);
    const charge = await processor.charge(chargeRequest(order.orderId));
    await confirmSeats(store, { eventId: EVENT, orderId: order.orderId, seatIds: ['B2'] });
    await updateOrder(store, order.orderId, {
      set: { status: 'CONFIRMED', 'payment.chargeId': charge.chargeId },
      from: ['PAYING'],
    });
    expect(
      await compensateOrder(store, processor, { orderId: order.orderId, status: 'FAILED', reason: 'x' }),
    ).toMatchObject({
      status: 'CONFIRMED',
      refundedChargeIds: [],
    });
    expect((await seatsOf(['B2']))[0]!.status).toBe('SOLD');
    expect((await processor.lookup(paymentKey(order.orderId, 1))).status).toBe('CHARGED');
  });

  describe('when an order execution ends FAILED, TIMED_OUT or ABORTED (the EventBridge rule)', () => {
    const detail = (orderId: string, status: 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'SUCCEEDED', error?: string) => ({
      executionArn: `arn:aws:states:us-east-1:1:execution:orders:${orderId}`,
      stateMachineArn: 'arn:aws:states:us-east-1:1:stateMachine:orders',
      name: orderId,
      status,
      ...(error ? { error, cause: 'IssueTickets kept failing' } : {}),
    });

    it('compensates the order it names: refunded, seats freed, ended with the reason', async () => {
      const processor = new SimulatedProcessor(store, fast);
      const order = await payingOrder(['C1']);
      await processor.charge(chargeRequest(order.orderId));
      const result = await settleEndedExecution(store, processor, detail(order.orderId, 'TIMED_OUT'));
      expect(result).toMatchObject({
        status: 'EXPIRED',
        releasedSeatIds: ['C1'],
        refundedChargeIds: [expect.any(String)],
      });
      expect(await getOrder(store, order.orderId)).toMatchObject({
        status: 'EXPIRED',
        failureReason: expect.stringContaining('timed out'),
      });
      expect((await seatsOf(['C1']))[0]!.status).toBe('AVAILABLE');
      expect((await processor.lookup(paymentKey(order.orderId, 1))).status).toBe('REFUNDED');
    });

    it('for an order the flow already ended, keeps its status but still settles money', async () => {
      const processor = new SimulatedProcessor(store, fast);
      const order = await payingOrder(['C2']);
      await compensateOrder(store, processor, {
        orderId: order.orderId,
        status: 'FAILED',
        reason: 'Payment failed: declined',
      });
      await processor.charge(chargeRequest(order.orderId)); // a charge that landed after the ending
      const result = await settleEndedExecution(store, processor, detail(order.orderId, 'FAILED', 'PaymentFailed'));
      expect(result).toMatchObject({ status: 'FAILED', refundedChargeIds: [expect.any(String)] });
      expect((await getOrder(store, order.orderId)).failureReason).toBe('Payment failed: declined');
    });

    it('ignores executions that succeeded and executions of orders that do not exist', async () => {
      const order = await payingOrder(['C3']);
      expect(
        await settleEndedExecution(store, new SimulatedProcessor(store, fast), detail(order.orderId, 'SUCCEEDED')),
      ).toBeUndefined();
      expect((await getOrder(store, order.orderId)).status).toBe('PAYING');
      expect(
        await settleEndedExecution(store, new SimulatedProcessor(store, fast), detail('ord_nobody', 'ABORTED')),
      ).toBeUndefined();
    });
  });
});
