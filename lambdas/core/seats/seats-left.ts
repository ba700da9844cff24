import { sharedReadsPerStore } from '../platform/shared-reads';
import type { Store } from '../platform/store';
import { type Availability, readAvailability } from './availability';
import { recentTakesOf } from './recent-takes';

/**
 * An event's free seats as this container knows them, for the buyer's create path: the
 * availability summary — read at most once per AVAILABILITY_MEMO_MS per container, one read shared
 * by the requests that ask meanwhile — without the seats this container has just seen held
 * (seats/recent-takes.ts: the summary still lists them for the stream's lag).
 *
 * Why: a losing buyer hears `SoldOut` from this and the event (events/event-memo.ts), so in a
 * drop a container reads the two about once a second instead of twice per loser; and a winner
 * picks from the same snapshot. The price is the summary's age: a seat freed meanwhile is offered
 * up to a second later than the stream's lag alone would (a freed seat a buyer of this container
 * released is offered at once: the release clears its mark, and the snapshot still lists it). A
 * seat taken meanwhile by another container is picked and refused by its conditional write, as a
 * lagging summary's always was; the seat's write decides every hold, never this.
 */
export const AVAILABILITY_MEMO_MS = 1_000;

const summaries = sharedReadsPerStore<Availability | undefined>(AVAILABILITY_MEMO_MS);

/** Undefined for an event without a summary (the seat map decides, see order-holds.ts). */
export async function seatsLeft(store: Store, eventId: string): Promise<Availability | undefined> {
  const summary = await summaries(store).get(eventId, () => readAvailability(store, eventId));
  return summary && withoutSeats(summary, recentTakesOf(store).held(eventId));
}

/** The availability without `taken` (pure). */
export function withoutSeats(availability: Availability, taken: ReadonlySet<string>): Availability {
  if (taken.size === 0) return availability;
  const rows = availability.rows.map((row) => ({ ...row, free: row.free.filter((seatId) => !taken.has(seatId)) }));
  return { rows, freeCount: rows.reduce((n, row) => n + row.free.length, 0) };
}
