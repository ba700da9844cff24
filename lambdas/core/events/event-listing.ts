import type { Store } from '../platform/store';
import { readAvailability } from '../seats/availability';
import { type EventRecord, listEvents } from './event-records';

/**
 * The public listing: every event by its date (soonest first; undated ones last, newest first),
 * each with its seats left from the availability summary (one small Query per event; absent for
 * an event without a summary). Seats left is a hint, eventually consistent: the seat lock decides.
 */
export type ListedEvent = EventRecord & { readonly seatsLeft?: number };

export async function listedEvents(store: Store): Promise<ListedEvent[]> {
  const events = await listEvents(store); // newest first: the tie-break of undated events
  const listed = await Promise.all(
    events.map(async (event): Promise<ListedEvent> => {
      const availability = await readAvailability(store, event.eventId);
      return availability ? { ...event, seatsLeft: availability.freeCount } : event;
    }),
  );
  return listed.sort((a, b) => dateOf(a) - dateOf(b));
}

function dateOf(event: EventRecord): number {
  return event.startsAt ? Date.parse(event.startsAt) : Number.POSITIVE_INFINITY;
}
