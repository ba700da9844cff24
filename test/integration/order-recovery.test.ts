import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent } from '../../lambdas/core/create-event';
import { createOrder } from '../../lambdas/core/order-service';
import { getOrder, updateOrder } from '../../lambdas/core/orders';
import { paymentKey } from '../../lambdas/core/payments/processor';
import { SimulatedProcessor } from '../../lambdas/core/payments/simulated-processor';
import { readSeats } from '../../lambdas/core/seat-map';
import { startLocalStack, type LocalStack } from '../../local/local-stack';

/**
 * The local stack keeps executions in memory. After a restart, open orders have no flow left;
 * start-up finds them and finishes them: unpaid ones expire, paid ones are refunded.
 */
describe('recovery after a local restart', () => {
  let dataDir: string;
  let stack: LocalStack | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ticketdrop-recovery-'));
  });

  afterAll(async () => {
    await stack?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('expires unpaid open orders and refunds paid ones, freeing their seats', async () => {
    stack = await startLocalStack({ dataDir, port: 0 });
    const { store, workflow } = stack;
    await createEvent(store, { eventId: 'restart', name: 'Restart', rows: 1, seatsPerRow: 4, priceCents: 1000 });
    const unpaid = await createOrder(store, workflow, { eventId: 'restart', buyerId: 'b1', selection: { seatIds: ['A1'] } });
    const paid = await createOrder(store, workflow, { eventId: 'restart', buyerId: 'b2', selection: { seatIds: ['A2'] } });
    // The second order was charged and then the stack went down before its seats were confirmed.
    const charge = await new SimulatedProcessor(store, { declineRate: 0, latencyMs: 0, slowRate: 0, slowLatencyMs: 0, lostAnswerRate: 0 }).charge({
      idempotencyKey: paymentKey(paid.orderId, 1),
      orderId: paid.orderId,
      amountCents: 1000,
      currency: 'EUR',
      code: '11111',
      attempt: 1,
    });
    await updateOrder(store, paid.orderId, {
      set: { status: 'PAYING', 'payment.round': 1, 'payment.intent': { key: paymentKey(paid.orderId, 1), amountCents: 1000, round: 1 }, 'payment.chargeId': charge.chargeId },
      from: ['HOLDING'],
    });
    await stack.stop();

    stack = await startLocalStack({ dataDir, port: 0 });
    expect(stack.recovery).toEqual({ checked: 2, expired: [unpaid.orderId], refunded: [paid.orderId] });
    expect(await getOrder(stack.store, unpaid.orderId)).toMatchObject({
      status: 'EXPIRED',
      failureReason: 'The order flow stopped when the local stack restarted',
    });
    expect(await getOrder(stack.store, paid.orderId)).toMatchObject({ status: 'FAILED', failureReason: 'The order flow stopped when the local stack restarted' });
    expect((await new SimulatedProcessor(stack.store).ledgerFor(paid.orderId)).map((e) => e.outcome)).toEqual(['REFUNDED']);
    const seats = await readSeats(stack.store, 'restart', { consistent: true });
    expect(seats.every((s) => s.status === 'AVAILABLE')).toBe(true);
  }, 90_000);
});
