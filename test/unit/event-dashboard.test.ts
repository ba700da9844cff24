import { describe, expect, it } from 'vitest';
import type { OrderRecord } from '../../lambdas/core/orders/order-record';
import { OVERDUE_GRACE_MS } from '../../lambdas/core/reconcile/overdue';
import { REFUND_REASON } from '../../lambdas/core/refunds/refund-order';
import { dashboardOf, seatCounts } from '../../lambdas/core/reports/event-dashboard';

/** The dashboard's figures from the map, the orders and the waiting room (pure aggregation). */

const NOW = Date.UTC(2026, 11, 1, 3, 30, 20);
const MINUTE = 60_000;

let next = 0;
function order(change: Partial<OrderRecord> & Pick<OrderRecord, 'status'>): OrderRecord {
  next++;
  return {
    orderId: `o${next}`,
    eventId: 'e1',
    buyerId: `b${next}`,
    seatIds: ['A1'],
    holdExpiresAt: NOW + 60_000,
    amountCents: 1000,
    currency: 'EUR',
    payment: { status: 'idle', round: 0, attempt: 0 },
    createdAt: NOW - 5 * MINUTE,
    updatedAt: NOW - 1000,
    version: 1,
    ...change,
  };
}

const event = { eventId: 'e1', name: 'Show', currency: 'EUR', seatCount: 6 };
const map = { states: 'SSHHAA', holds: { '2': NOW + 10_000, '3': NOW - 1 }, version: 7 };

describe('dashboardOf', () => {
  it('counts seats from the map: a lapsed hold is free', () => {
    expect(seatCounts(map, NOW)).toEqual({ free: 3, held: 1, sold: 2 });
    const view = dashboardOf({ event, map, orders: [], now: NOW });
    expect(view.seats).toEqual({ total: 6, free: 3, held: 1, sold: 2, mapVersion: 7 });
    expect(view.waitingRoom).toBeUndefined();
  });

  it('revenue: confirmed orders, minus the ones an operator refunded; orders by status', () => {
    const orders = [
      order({ status: 'CONFIRMED', amountCents: 8000, payment: { status: 'succeeded', round: 1, attempt: 1 } }),
      order({ status: 'CONFIRMED', amountCents: 4500, payment: { status: 'succeeded', round: 2, attempt: 1 } }),
      order({
        status: 'CANCELLED',
        amountCents: 4500,
        failureReason: `${REFUND_REASON}: wrong date`,
        payment: { status: 'succeeded', round: 1, attempt: 1 },
      }),
      order({ status: 'CANCELLED', amountCents: 9999, failureReason: 'Cancelled by the buyer' }),
      order({ status: 'FAILED', payment: { status: 'failed', round: 2, attempt: 3 } }),
      order({ status: 'PAYING', payment: { status: 'retrying', round: 1, attempt: 2 } }),
      order({ status: 'HOLDING' }),
    ];
    const view = dashboardOf({ event, map, orders, now: NOW });
    expect(view.revenue).toEqual({ grossCents: 17_000, refundedCents: 4500, netCents: 12_500, currency: 'EUR' });
    expect(view.ordersByStatus).toEqual({ HOLDING: 1, PAYING: 1, CONFIRMED: 2, EXPIRED: 0, CANCELLED: 2, FAILED: 1 });
    // Approved: three pay requests succeeded. Declined: one before the second confirmed order's
    // success, both of the failed order's.
    expect(view.payments).toEqual({ approved: 3, declined: 3, retrying: 1 });
  });

  it('tickets sold per minute over the last 60 minutes, from the confirmed orders', () => {
    const orders = [
      order({ status: 'CONFIRMED', seatIds: ['A1', 'A2'], updatedAt: NOW - 1000 }),
      order({ status: 'CONFIRMED', seatIds: ['A3'], updatedAt: NOW - 2 * MINUTE }),
      order({ status: 'CONFIRMED', seatIds: ['A4'], updatedAt: NOW - 2 * 60 * MINUTE }), // too old
      order({ status: 'CANCELLED', seatIds: ['A5'], failureReason: REFUND_REASON, updatedAt: NOW }),
    ];
    const { sales } = dashboardOf({ event, map, orders, now: NOW });
    expect(sales.tickets).toHaveLength(60);
    expect(sales.minuteMs).toBe(MINUTE);
    expect(sales.startsAt + 60 * MINUTE).toBeGreaterThan(NOW);
    expect(sales.startsAt + 59 * MINUTE).toBeLessThanOrEqual(NOW);
    expect(sales.tickets.at(-1)).toBe(2);
    expect(sales.tickets.at(-3)).toBe(1);
    expect(sales.tickets.reduce((a, b) => a + b, 0)).toBe(3);
  });

  it('needs attention: open orders past their deadline (the reconciler’s rule), failed after a charge', () => {
    const late = order({ status: 'PAYING', holdExpiresAt: NOW - OVERDUE_GRACE_MS - 5000, updatedAt: NOW - 9000 });
    const paying = order({
      status: 'PAYING',
      holdExpiresAt: NOW - OVERDUE_GRACE_MS - 5000,
      paymentDeadline: NOW + 1000, // its payment window still runs
    });
    const charged = order({
      status: 'FAILED',
      payment: { status: 'succeeded', round: 1, attempt: 1, chargeId: 'ch_1' },
      failureReason: 'Seats lost',
      updatedAt: NOW - 100,
    });
    // Charged, then its seats were lost before CompleteOrder could record the charge: the
    // compensation refunded it and said so in the reason.
    const refunded = order({
      status: 'FAILED',
      payment: { status: 'trying', round: 1, attempt: 1 },
      failureReason: 'Refunded: Seat A1 lost after the hold expired',
      updatedAt: NOW - 200,
    });
    const declined = order({
      status: 'FAILED',
      payment: { status: 'failed', round: 1, attempt: 3 },
      failureReason: 'Payment failed: declined',
      updatedAt: NOW - 300,
    });
    const fine = order({ status: 'HOLDING' });
    const view = dashboardOf({ event, map, orders: [late, paying, charged, refunded, declined, fine], now: NOW });
    expect(view.attention.map((a) => a.orderId)).toEqual([charged.orderId, refunded.orderId, late.orderId]);
    expect(view.attention[1]!.reason).toMatch(/Failed after a charge/);
    expect(view.attention[2]!.reason).toMatch(/PAYING 35 s past its deadline/);
    expect(view.attentionCount).toBe(3);
  });

  it('waiting room figures: lapsed are places neither admitted nor still waiting', () => {
    const room = {
      waitingCount: 40,
      servingPosition: 70,
      activePurchasers: 5,
      admittedCount: 55,
      issuedPositions: 110,
      soldOut: false,
    };
    expect(dashboardOf({ event, map, orders: [], room, now: NOW }).waitingRoom).toEqual({
      waiting: 40,
      servingPosition: 70,
      active: 5,
      lapsed: 15,
      admitted: 55,
      soldOut: false,
    });
  });
});
