import { describe, expect, it } from 'vitest';
import type { OrderStatus } from '../../lambdas/core/orders/order-record';
import { ticketRefundKey } from '../../lambdas/core/payments/processor';
import {
  REFUND_GRACE_MS,
  type RefundedTicket,
  type RefundFacts,
  seatKey,
  unfinishedRefund,
} from '../../lambdas/core/reconcile/ticket-refunds';

/** Which single-ticket refunds the reconciler finishes: only a confirmed order's, past the grace, with a step undone. */
describe('unfinishedRefund', () => {
  const now = 10_000_000;
  const ticket: RefundedTicket = {
    ticketId: 'tkt_1',
    eventId: 'e',
    orderId: 'ord_1',
    seatId: 'A1',
    refundedAt: now - REFUND_GRACE_MS - 1,
  };
  const order = { status: 'CONFIRMED' as OrderStatus, payment: { chargeId: 'ch_1' }, seatIds: ['A1', 'A2'] };
  /** Every step done: the refund's entry in the ledger, the seat free, a valid ticket left. */
  const done: RefundFacts = {
    refundKeys: new Set([ticketRefundKey('tkt_1')]),
    chargedIds: new Set(['ch_1']),
    seatOwners: new Map(),
    refundedPerOrder: new Map([['ord_1', 1]]),
  };
  const check = (facts: Partial<RefundFacts>, overrides: Partial<typeof order> = {}, t = ticket) =>
    unfinishedRefund(t, { ...order, ...overrides }, { ...done, ...facts }, now);

  it('a finished refund needs nothing', () => {
    expect(check({})).toBeUndefined();
  });

  it('the money never given back', () => {
    expect(check({ refundKeys: new Set() })).toMatch(/never given back/);
  });

  it('the charge refunded whole meanwhile covers it', () => {
    expect(check({ refundKeys: new Set(), chargedIds: new Set() })).toBeUndefined();
  });

  it('its seat still sold to the order', () => {
    expect(check({ seatOwners: new Map([[seatKey('e', 'A1'), 'ord_1']]) })).toMatch(/seat A1/);
    expect(check({ seatOwners: new Map([[seatKey('e', 'A1'), 'ord_2']]) })).toBeUndefined(); // resold
  });

  it("the order's last ticket refunded, the order still confirmed", () => {
    expect(check({ refundedPerOrder: new Map([['ord_1', 2]]) })).toMatch(/every ticket/);
  });

  it("left alone: a refund still in its request's time, an order no longer confirmed", () => {
    expect(check({ refundKeys: new Set() }, {}, { ...ticket, refundedAt: now - 1000 })).toBeUndefined();
    expect(check({ refundKeys: new Set() }, { status: 'CANCELLED' })).toBeUndefined();
  });
});
