import { beforeAll, describe, expect, it } from 'vitest';
import { createEvent } from '../../lambdas/core/events/create-event';
import { submitBuyerAction } from '../../lambdas/core/orders/buyer-action';
import { createOrder } from '../../lambdas/core/orders/create-order';
import { getOrder, updateOrder } from '../../lambdas/core/orders/order-store';
import type { OrderFlowInput, OrderWorkflow } from '../../lambdas/core/orders/order-workflow';
import { awaitBuyer } from '../../lambdas/core/orders/steps/hold-steps';
import { chargePayment, recordPaymentFailure } from '../../lambdas/core/orders/steps/payment-steps';
import { PaymentDeclined, PaymentProcessorUnavailable, paymentKey } from '../../lambdas/core/payments/processor';
import { SimulatedProcessor } from '../../lambdas/core/payments/simulated-processor';
import { parseConfig } from '../../lambdas/core/platform/config';
import { createStore, type Store } from '../../lambdas/core/platform/store';
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

  /** An order whose buyer has just asked to pay: the flow waits, the buyer API takes its token. */
  async function payingOrder(seatId: string) {
    const order = await createOrder(store, workflow, {
      eventId: 'pay-event',
      buyerId: 'buyer-1',
      selection: { seatIds: [seatId] },
    });
    return payAgain(order.orderId);
  }
  async function payAgain(orderId: string) {
    await awaitBuyer(store, { orderId, taskToken: `token-${Math.random()}` });
    return submitBuyerAction(store, workflow, {
      orderId,
      buyerId: 'buyer-1',
      action: { action: 'pay', code: '11111' },
    });
  }
  const lossy = () => new SimulatedProcessor(store, { ...fast, lostAnswerRate: 1 });

  const netCharges = async (processor: SimulatedProcessor, orderId: string) =>
    (await processor.ledgerFor(orderId)).filter((e) => e.outcome === 'CHARGED').length;

  it('creates an order that holds its seats, prices them and starts its flow once', async () => {
    // Its own event: best available takes front seats at random, which the tests below name.
    await createEvent(store, { eventId: 'pay-event-any', name: 'Pay', rows: 5, seatsPerRow: 6, priceCents: 2500 });
    const order = await createOrder(store, workflow, {
      eventId: 'pay-event-any',
      buyerId: 'b',
      selection: { quantity: 2 },
      orderId: 'ord-fixed',
    });
    const again = await createOrder(store, workflow, {
      eventId: 'pay-event-any',
      buyerId: 'b',
      selection: { quantity: 2 },
      orderId: 'ord-fixed',
    });
    expect(again.seatIds).toEqual(order.seatIds);
    expect(order).toMatchObject({
      status: 'HOLDING',
      amountCents: 5000,
      currency: 'EUR',
    });
    expect(order.executionArn).toBeUndefined(); // derived from the order id, never written back
    expect(started.filter((s) => s.orderId === 'ord-fixed')[0]!.hold.waitSeconds).toBeGreaterThan(890);
  });

  it('replays an idempotency key instead of charging again', async () => {
    const processor = new SimulatedProcessor(store, fast);
    const request = {
      idempotencyKey: 'k-1',
      orderId: 'o-replay',
      amountCents: 100,
      currency: 'EUR',
      code: '11111',
    };
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

  it('counts each attempt at the processor (its ledger), and a retried step after success charges nothing more', async () => {
    const processor = new SimulatedProcessor(store, fast);
    const order = await payingOrder('A1');
    await expect(chargePayment(store, processor, { orderId: order.orderId, code: '22222' })).rejects.toThrow(
      PaymentDeclined,
    );
    expect((await getOrder(store, order.orderId)).payment).toMatchObject({
      status: 'retrying',
      lastError: expect.stringContaining('declined'),
    });

    const { chargeId } = await chargePayment(store, processor, { orderId: order.orderId, code: '22222' });
    expect((await getOrder(store, order.orderId)).payment).toMatchObject({ status: 'succeeded', chargeId });
    expect((await processor.ledgerFor(order.orderId)).map((e) => e.attempts)).toEqual([2]); // declined, then approved

    expect(await chargePayment(store, processor, { orderId: order.orderId, code: '22222' })).toEqual({ chargeId });
    expect(await netCharges(processor, order.orderId)).toBe(1);
  });

  it('a retry while the first attempt is still charging hears "unavailable", then adopts that one charge', async () => {
    const processor = new SimulatedProcessor(store, fast);
    const order = await payingOrder('A2');
    // Attempt 1 answers late (code 33333); the state machine has already moved on to attempt 2.
    const lateAttempt = chargePayment(store, processor, { orderId: order.orderId, code: '33333' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(chargePayment(store, processor, { orderId: order.orderId, code: '33333' })).rejects.toThrow(
      PaymentProcessorUnavailable,
    );
    const late = await lateAttempt;
    expect(await chargePayment(store, processor, { orderId: order.orderId, code: '33333' })).toEqual({
      chargeId: late.chargeId,
    });

    expect((await processor.ledgerFor(order.orderId)).map((e) => e.outcome)).toEqual(['CHARGED']);
    expect((await getOrder(store, order.orderId)).payment.chargeId).toBe(late.chargeId);
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

  it('writes the pay request as an intent (key, amount, round) when it takes the token', async () => {
    const order = await payingOrder('B1');
    expect(order.payment).toMatchObject({
      round: 1,
      attempt: 0,
      intent: { key: paymentKey(order.orderId, 1), amountCents: 2500, round: 1 },
    });
    expect(order.taskToken).toBeUndefined();
  });

  it('one key per pay request: a charge whose answer was lost is found again, never taken twice', async () => {
    const order = await payingOrder('B2');
    await expect(chargePayment(store, lossy(), { orderId: order.orderId, code: '11111' })).rejects.toThrow(
      PaymentProcessorUnavailable,
    );
    const { chargeId } = await chargePayment(store, new SimulatedProcessor(store, fast), {
      orderId: order.orderId,
      code: '11111',
    });
    expect((await getOrder(store, order.orderId)).payment).toMatchObject({ status: 'succeeded', chargeId });
    const ledger = await new SimulatedProcessor(store, fast).ledgerFor(order.orderId);
    expect(ledger.map((e) => [e.idempotencyKey, e.outcome])).toEqual([[paymentKey(order.orderId, 1), 'CHARGED']]);
  });

  it('a payment failure that finds a recorded charge goes on to confirm, never back to HOLDING', async () => {
    const order = await payingOrder('B3');
    await chargePayment(store, new SimulatedProcessor(store, fast), { orderId: order.orderId, code: '11111' });
    // ...but the step's answer was lost, the retries ran out and the Catch ran.
    const outcome = await recordPaymentFailure(store, new SimulatedProcessor(store, fast), parseConfig({}).orderFlow, {
      orderId: order.orderId,
      error: 'States.Timeout',
    });
    expect(outcome).toMatchObject({ next: 'confirm' });
    expect(await getOrder(store, order.orderId)).toMatchObject({ status: 'PAYING', payment: { status: 'succeeded' } });
  });

  it('a payment failure after a lost answer looks the charge up and goes on to confirm with it', async () => {
    const order = await payingOrder('B4');
    await expect(chargePayment(store, lossy(), { orderId: order.orderId, code: '11111' })).rejects.toThrow(
      PaymentProcessorUnavailable,
    );
    // (Its retries ran out on other faults, e.g. the step timing out.)
    const outcome = await recordPaymentFailure(store, lossy(), parseConfig({}).orderFlow, {
      orderId: order.orderId,
      error: 'PaymentProcessorUnavailable',
    });
    expect(outcome).toMatchObject({ next: 'confirm' });
    const after = await getOrder(store, order.orderId);
    expect(after).toMatchObject({
      status: 'PAYING',
      payment: { status: 'succeeded', chargeId: expect.stringMatching(/^ch_/) },
    });
    expect((await lossy().lookup(paymentKey(order.orderId, 1))).chargeId).toBe(after.payment.chargeId);
  });

  it('a late charge for an old pay request (another round, another amount) is refunded, never recorded', async () => {
    const processor = new SimulatedProcessor(store, fast);
    const order = await payingOrder('B5');
    const lateAttempt = chargePayment(store, processor, { orderId: order.orderId, code: '33333' }); // answers after 400 ms
    await new Promise((resolve) => setTimeout(resolve, 100));
    // The flow gave up on round 1 (task timeouts), the buyer changed seats (price) and paid again.
    expect(
      await recordPaymentFailure(store, processor, parseConfig({}).orderFlow, {
        orderId: order.orderId,
        error: 'States.Timeout',
      }),
    ).toMatchObject({ next: 'wait' });
    await updateOrder(store, order.orderId, { set: { amountCents: 5000 }, from: ['HOLDING'] });
    const round2 = await payAgain(order.orderId);
    expect(round2.payment.intent).toEqual({ key: paymentKey(order.orderId, 2), amountCents: 5000, round: 2 });

    await expect(lateAttempt).rejects.toThrow();
    expect((await processor.lookup(paymentKey(order.orderId, 1))).status).toBe('REFUNDED');
    expect((await getOrder(store, order.orderId)).payment.chargeId).toBeUndefined();

    const { chargeId } = await chargePayment(store, processor, { orderId: order.orderId, code: '11111' });
    expect(await processor.lookup(paymentKey(order.orderId, 2))).toMatchObject({
      status: 'CHARGED',
      chargeId,
      amountCents: 5000,
    });
  });
});
