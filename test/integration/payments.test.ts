import { beforeAll, describe, expect, it } from 'vitest';
import { createEvent } from '../../lambdas/core/create-event';
import { createOrder } from '../../lambdas/core/order-service';
import type { OrderFlowInput, OrderWorkflow } from '../../lambdas/core/order-workflow';
import { getOrder, updateOrder } from '../../lambdas/core/orders';
import { PaymentDeclined } from '../../lambdas/core/payments/processor';
import { SimulatedProcessor } from '../../lambdas/core/payments/simulated-processor';
import { chargePayment } from '../../lambdas/core/steps/payment-steps';
import { createStore, type Store } from '../../lambdas/core/store';
import { useTestTables } from '../support/local-dynamo';

/** The payment step and the simulated processor on DynamoDB Local: money is taken at most once. */
describe('payments', () => {
  let store: Store;
  const started: OrderFlowInput[] = [];
  // The order flow itself is tested on the state machine; here only its start is observed.
  const workflow: OrderWorkflow = {
    start: async (input) => {
      started.push(input);
      return `arn:test:execution:${input.orderId}`;
    },
    resume: async () => undefined,
    isRunning: async () => true,
  };
  const fast = { declineRate: 0, latencyMs: 5, slowRate: 0, slowLatencyMs: 400, lostAnswerRate: 0 };

  beforeAll(async () => {
    const { client, tables } = await useTestTables();
    store = createStore(client, tables);
    await createEvent(store, { eventId: 'pay-event', name: 'Pay', rows: 5, seatsPerRow: 6, priceCents: 2500 });
  });

  /** An order whose buyer has just asked to pay (what the buyer API does before resuming the flow). */
  async function payingOrder(seatId: string) {
    const order = await createOrder(store, workflow, { eventId: 'pay-event', buyerId: 'buyer-1', selection: { seatIds: [seatId] } });
    await updateOrder(store, order.orderId, {
      set: { status: 'PAYING', 'payment.status': 'trying', 'payment.attempt': 0 },
      increment: { 'payment.round': 1 },
      from: ['HOLDING'],
    });
    return order;
  }

  const netCharges = async (processor: SimulatedProcessor, orderId: string) =>
    (await processor.ledgerFor(orderId)).filter((e) => e.outcome === 'CHARGED').length;

  it('creates an order that holds its seats, prices them and starts its flow once', async () => {
    // Its own event: best available takes front seats at random, which the tests below name.
    await createEvent(store, { eventId: 'pay-event-any', name: 'Pay', rows: 5, seatsPerRow: 6, priceCents: 2500 });
    const order = await createOrder(store, workflow, { eventId: 'pay-event-any', buyerId: 'b', selection: { quantity: 2 }, orderId: 'ord-fixed' });
    const again = await createOrder(store, workflow, { eventId: 'pay-event-any', buyerId: 'b', selection: { quantity: 2 }, orderId: 'ord-fixed' });
    expect(again.seatIds).toEqual(order.seatIds);
    expect(order).toMatchObject({ status: 'HOLDING', amountCents: 5000, currency: 'EUR', executionArn: 'arn:test:execution:ord-fixed' });
    expect(started.filter((s) => s.orderId === 'ord-fixed')[0]!.hold.waitSeconds).toBeGreaterThan(890);
  });

  it('replays an idempotency key instead of charging again', async () => {
    const processor = new SimulatedProcessor(store, fast);
    const request = { idempotencyKey: 'k-1', orderId: 'o-replay', amountCents: 100, currency: 'EUR', code: '11111', attempt: 1 };
    const first = await processor.charge(request);
    const second = await processor.charge(request);
    expect(second.chargeId).toBe(first.chargeId);
    expect(await netCharges(processor, 'o-replay')).toBe(1);

    const declined = { ...request, idempotencyKey: 'k-2', code: '00000' };
    await expect(processor.charge(declined)).rejects.toThrow(PaymentDeclined);
    await expect(processor.charge(declined)).rejects.toThrow(PaymentDeclined); // replayed, not re-decided

    await processor.refund(first.chargeId);
    await processor.refund(first.chargeId); // refunding twice refunds once
    expect(await netCharges(processor, 'o-replay')).toBe(0);
  });

  it('records each attempt on the order, and a retried step after success charges nothing more', async () => {
    const processor = new SimulatedProcessor(store, fast);
    const order = await payingOrder('A1');
    await expect(chargePayment(store, processor, { orderId: order.orderId, code: '22222' })).rejects.toThrow(PaymentDeclined);
    expect((await getOrder(store, order.orderId)).payment).toMatchObject({ status: 'trying', attempt: 1, lastError: expect.stringContaining('declined') });

    const { chargeId } = await chargePayment(store, processor, { orderId: order.orderId, code: '22222' });
    expect((await getOrder(store, order.orderId)).payment).toMatchObject({ status: 'succeeded', attempt: 2, chargeId });

    expect(await chargePayment(store, processor, { orderId: order.orderId, code: '22222' })).toEqual({ chargeId });
    expect(await netCharges(processor, order.orderId)).toBe(1);
  });

  it('refunds a late answer from a timed-out attempt when the next attempt already charged', async () => {
    const processor = new SimulatedProcessor(store, fast);
    const order = await payingOrder('A2');
    // Attempt 1 answers late (code 33333); the state machine has already moved on to attempt 2.
    const lateAttempt = chargePayment(store, processor, { orderId: order.orderId, code: '33333' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const retry = await chargePayment(store, processor, { orderId: order.orderId, code: '33333' });
    const late = await lateAttempt;

    expect(late.chargeId).toBe(retry.chargeId); // the late attempt adopts the recorded charge
    const ledger = await processor.ledgerFor(order.orderId);
    expect(ledger.map((e) => e.outcome).sort()).toEqual(['CHARGED', 'REFUNDED']);
    expect((await getOrder(store, order.orderId)).payment.chargeId).toBe(retry.chargeId);
  });

  it('refunds a charge that lands after the order has ended', async () => {
    const processor = new SimulatedProcessor(store, fast);
    const order = await payingOrder('A3');
    const lateAttempt = chargePayment(store, processor, { orderId: order.orderId, code: '33333' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await updateOrder(store, order.orderId, { set: { status: 'FAILED' }, from: ['PAYING'] });
    await expect(lateAttempt).rejects.toThrow('no longer PAYING');
    expect(await netCharges(processor, order.orderId)).toBe(0);
  });
});
