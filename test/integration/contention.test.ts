import { beforeAll, describe, expect, it } from 'vitest';
import { createEvent } from '../../lambdas/core/events/create-event';
import { DomainError } from '../../lambdas/core/platform/errors';
import { createStore, type Store } from '../../lambdas/core/platform/store';
import { holdForOrder } from '../../lambdas/core/seats/order-holds';
import { seatIdsOf } from '../../lambdas/core/seats/seat-ids';
import { confirmSeats } from '../../lambdas/core/seats/seat-locks';
import { readSeats } from '../../lambdas/core/seats/seat-map';
import { useTestTables } from '../support/local-dynamo';

/**
 * Correctness under contention, on real DynamoDB Local: many buyers at the same instant, each
 * its own promise and order id. Whatever the interleaving, no seat may end up with two holders.
 */
describe('many concurrent buyers', () => {
  let store: Store;

  beforeAll(async () => {
    const { client, tables } = await useTestTables();
    store = createStore(client, tables);
  });

  /** Runs every attempt at once and sorts the outcomes into wins and domain refusals. */
  async function race<T>(attempts: (() => Promise<T>)[]) {
    const settled = await Promise.allSettled(attempts.map((attempt) => attempt()));
    const wins = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const refusals = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
    const unexpected = refusals.filter((r) => !(r instanceof DomainError));
    return { wins, refusals: refusals as DomainError[], unexpected };
  }

  it('1,000 buyers for 20 seats, best available: exactly 20 holds, one holder per seat', async () => {
    const event = await createEvent(store, {
      eventId: 'drop-1000',
      name: 'Drop',
      rows: 4,
      seatsPerRow: 5,
      priceCents: 100,
    });
    const { wins, refusals, unexpected } = await race(
      Array.from({ length: 1000 }, (_, i) => () => holdForOrder(store, event, `order-${i}`, { quantity: 1 })),
    );

    expect(unexpected).toEqual([]);
    expect(wins).toHaveLength(20);
    expect(refusals).toHaveLength(980);
    expect(new Set(refusals.map((r) => r.code))).toSatisfy((codes: Set<string>) =>
      [...codes].every((c) => c === 'SoldOut' || c === 'SeatsTaken'),
    );
    const wonSeats = wins.flatMap((w) => w.seatIds);
    expect(new Set(wonSeats).size).toBe(20);

    // The table agrees with the answers: each seat held by exactly the order that was told so.
    const seats = await readSeats(store, event.eventId, { consistent: true });
    const holderBySeat = new Map(seats.map((s) => [s.seatId, s.orderId]));
    for (const win of wins) expect(holderBySeat.get(win.seatIds[0]!)).toBe(win.orderId);
    expect(seats.every((s) => s.status === 'HELD')).toBe(true);

    // Every winner can confirm: the holds were real, not just answers.
    await Promise.all(
      wins.map((w) => confirmSeats(store, { eventId: event.eventId, orderId: w.orderId, seatIds: w.seatIds })),
    );
    const sold = await readSeats(store, event.eventId, { consistent: true });
    expect(sold.filter((s) => s.status === 'SOLD')).toHaveLength(20);
  });

  it('200 buyers each wanting 2 specific, overlapping seats: no seat double-held', async () => {
    const event = await createEvent(store, {
      eventId: 'overlap-200',
      name: 'Overlap',
      rows: 5,
      seatsPerRow: 6,
      priceCents: 100,
    });
    const ids = seatIdsOf(5, 6);
    // Buyer i wants seats i and i+1 (mod 30): every seat is wanted by about 13 buyers.
    const { wins, refusals, unexpected } = await race(
      Array.from(
        { length: 200 },
        (_, i) => () => holdForOrder(store, event, `pair-${i}`, { seatIds: [ids[i % 30]!, ids[(i + 1) % 30]!] }),
      ),
    );

    expect(unexpected).toEqual([]);
    expect(wins.length).toBeGreaterThan(0);
    expect(wins.length + refusals.length).toBe(200);
    expect(refusals.every((r) => r.code === 'SeatsTaken' && r.seatIds.length > 0)).toBe(true);
    const wonSeats = wins.flatMap((w) => w.seatIds);
    expect(new Set(wonSeats).size).toBe(wonSeats.length); // no seat in two winning holds

    const seats = await readSeats(store, event.eventId, { consistent: true });
    const held = seats.filter((s) => s.status === 'HELD');
    expect(held).toHaveLength(wonSeats.length); // no seat held without a winner to show for it
    for (const win of wins) {
      for (const seatId of win.seatIds) expect(seats.find((s) => s.seatId === seatId)?.orderId).toBe(win.orderId);
    }
  });
});
