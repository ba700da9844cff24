import { sharedReadsPerStore } from '../platform/shared-reads';
import type { Store } from '../platform/store';
import { type EventRecord, getEvent } from './event-records';

/**
 * The event as the buyer's create path reads it: at most once per EVENT_MEMO_MS per container,
 * one read shared by the requests that ask meanwhile (platform/shared-reads.ts). In a drop every
 * create needs the event (its status, seat limit, hold time, prices) and thousands come within a
 * second; read per request, it was one of a losing buyer's two reads.
 *
 * Why a second is safe: what a create reads of the event hardly changes during a sale — edits
 * are refused once it has orders (edit-event.ts), the grid never changes — except its status, which
 * an operator's reset sets to PAUSED. So a container may start a hold up to a second after the
 * pause (the reset's passes repeat until no order is left, so such an order is ended like any
 * other), or price the first order of an event edited within that second — the same second the
 * edit's own check of "no orders yet" already allows (an eventually consistent index). This
 * process's own writes of the event forget it at once (`forgetEvent`).
 */
export const EVENT_MEMO_MS = 1_000;

const events = sharedReadsPerStore<EventRecord>(EVENT_MEMO_MS);

export function recentEvent(store: Store, eventId: string): Promise<EventRecord> {
  return events(store).get(eventId, () => getEvent(store, eventId));
}

/** This process just wrote the event (created, edited, paused, back on sale): read it afresh. */
export function forgetEvent(store: Store, eventId: string): void {
  events(store).forget(eventId);
}
