import { describe, expect, it } from 'vitest';
import { ticketPriceCents } from '../../lambdas/core/refunds/ticket-price';

/** What refunding one ticket gives back: its seat's price by the event's levels, else an equal share. */
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

  it("is the seat's own price when the order was charged by the event's price levels", () => {
    const event = { priceCents: 4500, priceLevels: [{ fromRow: 'A', toRow: 'A', priceCents: 8000 }] };
    const order = { amountCents: 12_500, seatIds: ['A1', 'C4'] };
    expect(ticketPriceCents(order, 'A1', event)).toBe(8000);
    expect(ticketPriceCents(order, 'C4', event)).toBe(4500);
  });

  it('falls back to the equal share when the amount is not what the levels give', () => {
    const event = { priceCents: 4500, priceLevels: [{ fromRow: 'A', toRow: 'A', priceCents: 8000 }] };
    expect(ticketPriceCents({ amountCents: 9000, seatIds: ['A1', 'C4'] }, 'A1', event)).toBe(4500);
  });
});
