import { describe, expect, it } from 'vitest';
import { ticketPriceCents } from '../../lambdas/core/refunds/ticket-price';

/** What refunding one ticket gives back, while orders carry one amount for all their seats. */
describe('ticketPriceCents', () => {
  it("is an equal share of the order's amount", () => {
    expect(ticketPriceCents({ amountCents: 3000, seatIds: ['A1', 'A2', 'A3'] }, 'A2')).toBe(1000);
  });

  it('rounds down: the cents kept come back with the last ticket (the charge rest)', () => {
    const order = { amountCents: 1000, seatIds: ['A1', 'A2', 'A3'] };
    const shares = order.seatIds.map((seatId) => ticketPriceCents(order, seatId));
    expect(shares).toEqual([333, 333, 333]);
    expect(order.amountCents - shares.reduce((a, b) => a + b, 0)).toBe(1);
  });

  it('an order without seats has nothing to give back per ticket', () => {
    expect(ticketPriceCents({ amountCents: 500, seatIds: [] }, 'A1')).toBe(0);
  });
});
