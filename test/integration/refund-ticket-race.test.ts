import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type PartialRefundRequest,
  type PaymentProcessor,
  ticketRefundKey,
} from '../../lambdas/core/payments/processor';
import { refundTicket } from '../../lambdas/core/refunds/refund-ticket';
import type { LocalStack } from '../../local/local-stack';
import { auditEvent } from '../../ops/audit';
import { adminCreateEvent, buyConfirmed, startApiStack } from '../support/api-client';
import { eventually } from '../support/eventually';
import { chargeAndRefunds } from '../support/refund-ledger';

/**
 * Two tickets of one order refunded at once, interleaved on purpose at the core (the handler's
 * `refundTicket` with a processor that holds one request's partial refund): the request that finds
 * no valid ticket left refunds the whole order, whose refund gives back all the charge has left —
 * the other ticket's price included — and that ticket's partial refund, arriving later, answers
 * `covered`. The ledger then holds one `REFUND` entry, not two, and all the money is back once. A
 * CI run of api-refund-ticket met this interleaving by chance and asserted two entries.
 */
describe('two tickets of one order refunded at once', () => {
  let stack: LocalStack;
  const eventId = 'ticket-refund-race';
  const PRICE = 1000;

  beforeAll(async () => {
    stack = await startApiStack();
    await adminCreateEvent(stack, { eventId, name: 'Refund race', rows: 2, seatsPerRow: 6, priceCents: PRICE });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  /** The processor, with its partial refunds held at the door until `release`: `arrived` says one is waiting. */
  function pausedProcessor(processor: PaymentProcessor) {
    let arrive!: () => void;
    let release!: () => void;
    const arrived = new Promise<void>((resolve) => {
      arrive = resolve;
    });
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const paused: PaymentProcessor = {
      charge: (request) => processor.charge(request),
      refund: (chargeId) => processor.refund(chargeId),
      lookup: (key) => processor.lookup(key),
      refundPart: async (request: PartialRefundRequest) => {
        arrive();
        await released;
        return processor.refundPart(request);
      },
    };
    return { paused, arrived, release };
  }

  it("the second ticket voided, its money not yet asked for, when the first request refunds the order: the order's refund covers it, all the money back once", async () => {
    const { order } = await buyConfirmed(stack, eventId, ['A1', 'A2']);
    const [first, second] = order.tickets!;
    const processor = stack.platform.processor;
    const gate = pausedProcessor(processor);
    const secondRefund = refundTicket(stack.store, gate.paused, {
      orderId: order.orderId,
      ticketId: second!.ticketId,
      operatorId: 'op_race',
    });
    await gate.arrived; // the second ticket is VOIDED (step 1), its partial refund (step 3) not yet sent
    const firstAnswer = await refundTicket(stack.store, processor, {
      orderId: order.orderId,
      ticketId: first!.ticketId,
      operatorId: 'op_race',
    });
    gate.release();
    const secondAnswer = await secondRefund;

    // The first saw no valid ticket left: its own price back, then the order refunded (the rest of the charge).
    expect(firstAnswer).toMatchObject({
      refundedNow: true,
      payment: { outcome: 'refunded', amountCents: PRICE },
      orderRefund: { status: 'CANCELLED', refundedNow: true },
    });
    // The second's price was in that rest: nothing left to give, said so.
    expect(secondAnswer).toMatchObject({ refundedNow: true, refundCents: PRICE, payment: { outcome: 'covered' } });

    // One REFUND entry (the first ticket's), yet all 2,000 cents back: the ledger is right, the
    // old test's "two REFUND entries" was one interleaving's shape, not the money.
    const money = await chargeAndRefunds(stack, order.orderId);
    expect(money.refunds.map((r) => [r.idempotencyKey, r.amountCents])).toEqual([
      [ticketRefundKey(first!.ticketId), PRICE],
    ]);
    expect(money.charge).toMatchObject({ outcome: 'REFUNDED', amountCents: 2 * PRICE, refundedCents: 2 * PRICE });

    // Asked again (a retried request): the same answers, nothing more given back.
    const again = await refundTicket(stack.store, processor, {
      orderId: order.orderId,
      ticketId: second!.ticketId,
      operatorId: 'op_race',
    });
    expect(again).toMatchObject({ refundedNow: false, payment: { outcome: 'covered' } });
    expect(await chargeAndRefunds(stack, order.orderId)).toEqual(money);
  });

  it('the money audit of the event is clean afterwards: every cent given back accounted', async () => {
    const report = await eventually(async () => {
      const audited = await auditEvent(stack.store, eventId);
      expect(audited.problems).toEqual([]);
      return audited;
    });
    expect(report.money).toMatchObject({ charged: 1, refunded: 1, unaccounted: 0 });
  });
});
