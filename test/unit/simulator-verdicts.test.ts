import { describe, expect, it } from 'vitest';
import { countInversions, fairness } from '../../bench/simulator/fairness';
import { routeOf } from '../../bench/simulator/http';
import { layoutFor } from '../../bench/simulator/options';
import { type AdminTicket, checkOversell } from '../../bench/simulator/verify';

/** The simulator's pure judges: the oversell check must catch every way of selling a seat twice. */
describe('simulator verdicts', () => {
  const ticket = (seatId: string, n: number, orderId = `ord_${n}`): AdminTicket => ({
    buyerId: `buy_${n}`,
    orderId,
    seatId,
    ticketId: `tkt_${n}`,
  });
  const seats = (sold: string[], all = ['A1', 'A2', 'A3']) =>
    all.map((seatId) => ({ seatId, status: sold.includes(seatId) ? 'SOLD' : 'AVAILABLE' }));

  it('passes a clean sale', () => {
    const tickets = [ticket('A1', 1), ticket('A2', 2)];
    const check = checkOversell(3, tickets, seats(['A1', 'A2']), [
      { orderId: 'ord_1', ticketIds: ['tkt_1'] },
      { orderId: 'ord_2', ticketIds: ['tkt_2'] },
    ]);
    expect(check).toEqual({ ok: true, tickets: 2, seats: 3, soldSeats: 2, problems: [] });
  });

  it('catches a seat in two tickets, more tickets than seats, SOLD seats without tickets and tickets on unsold seats', () => {
    expect(checkOversell(3, [ticket('A1', 1), ticket('A1', 2)], seats(['A1']), []).problems).toEqual([
      expect.stringContaining('seat A1 is in 2 tickets'),
    ]);
    expect(checkOversell(1, [ticket('A1', 1), ticket('A2', 2)], seats(['A1', 'A2']), []).problems).toContain(
      '2 tickets for 1 seats',
    );
    expect(checkOversell(3, [ticket('A1', 1)], seats(['A1', 'A3']), []).problems).toEqual([
      'seat A3 is SOLD but in no ticket',
    ]);
    expect(checkOversell(3, [ticket('A2', 1)], seats([]), []).problems).toEqual([
      expect.stringContaining('seat A2 has a ticket but is AVAILABLE'),
    ]);
  });

  it('catches a buyer whose confirmed tickets the admin list does not have', () => {
    const check = checkOversell(3, [ticket('A1', 1)], seats(['A1']), [
      { orderId: 'ord_1', ticketIds: ['tkt_1', 'tkt_9'] },
    ]);
    expect(check.ok).toBe(false);
  });

  it('measures fairness: first come first served, reversed, one buyer moved', () => {
    expect(fairness([0, 1, 2, 3])).toEqual({
      buyers: 4,
      kendallTauDistance: 0,
      maxDisplacement: 0,
      meanDisplacement: 0,
    });
    expect(fairness([3, 2, 1, 0]).kendallTauDistance).toBe(1);
    expect(fairness([10, 20, 30, 5])).toMatchObject({ maxDisplacement: 3, kendallTauDistance: 0.5 });
    const random = Array.from({ length: 500 }, (_, i) => (i * 7919) % 500);
    let naive = 0;
    for (let i = 0; i < random.length; i++)
      for (let j = i + 1; j < random.length; j++) if (random[i]! > random[j]!) naive++;
    expect(countInversions(random)).toBe(naive);
  });

  it('lays out seats and names routes', () => {
    expect(layoutFor(500)).toEqual({ rows: 10, seatsPerRow: 50 });
    expect(layoutFor(7)).toEqual({ rows: 1, seatsPerRow: 7 });
    expect(() => layoutFor(401)).toThrow();
    expect(routeOf('POST', '/api/orders/ord_1/payment')).toBe('POST /api/orders/{id}/payment');
    expect(routeOf('GET', '/api/admin/events/e1/orders?status=open')).toBe('GET /api/admin/events/{id}/orders');
  });
});
