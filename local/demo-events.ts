import { createEvent } from '../lambdas/core/events/create-event';
import { EventExists } from '../lambdas/core/platform/errors';
import type { Store } from '../lambdas/core/platform/store';

/** The events `npm start` seeds, so the product can be tried at once. */

/** The seat map's demo: 5 rows × 6 seats, no waiting room. */
export const DEMO_EVENT = {
  eventId: 'ticketdrop-live',
  name: 'TicketDrop Live',
  venue: 'The Local Stage',
  rows: 5,
  seatsPerRow: 6,
  priceCents: 4500,
  currency: 'EUR',
  holdSeconds: 900,
  maxSeatsPerOrder: 6,
} as const;

/** A second demo: the general-admission drop with a waiting room (2 buyers at a time). */
export const DEMO_QUEUE_EVENT = {
  eventId: 'ticketdrop-queue',
  name: 'TicketDrop Queue Demo',
  venue: 'The Local Stage',
  rows: 2,
  seatsPerRow: 10,
  priceCents: 3000,
  currency: 'EUR',
  holdSeconds: 120,
  maxSeatsPerOrder: 2,
  waitingRoom: { enabled: true, maxActivePurchasers: 2, admissionSeconds: 120 },
} as const;

/**
 * The demo events: the seat-map prototype's 5 rows × 6 seats, and a drop behind a waiting room.
 * One already there is left as it is.
 */
export async function seedDemoEvent(store: Store): Promise<void> {
  for (const event of [DEMO_EVENT, DEMO_QUEUE_EVENT]) {
    try {
      await createEvent(store, event);
    } catch (error) {
      if (!(error instanceof EventExists)) throw error;
    }
  }
}
