import { seatPriceCents } from '../../../contract/price-levels';
import type { TicketEvent, TicketsPage } from '../../../contract/tickets-page';
import { type EventRecord, getEvent } from '../events/event-records';
import type { OrderRecord } from '../orders/order-record';
import type { Store } from '../platform/store';
import { viewOrder } from './order-tickets-view';

/**
 * An order's tickets as its signed link shows them (the tickets page and the PDF): each ticket
 * with its seat's price, and the event they admit to. The price is read from the event's price
 * levels, which cannot change once a sale has begun (edit-event.ts), so it is what was charged.
 */
export async function ticketsPageOf(store: Store, order: OrderRecord): Promise<TicketsPage> {
  const [view, event] = await Promise.all([viewOrder(store, order), getEvent(store, order.eventId)]);
  return {
    order: {
      ...view,
      tickets: view.tickets?.map((ticket) => ({ ...ticket, priceCents: seatPriceCents(event, ticket.seatId) })),
    },
    event: ticketEventOf(event),
  };
}

export function ticketEventOf(event: EventRecord): TicketEvent {
  return {
    eventId: event.eventId,
    name: event.name,
    ...(event.venue ? { venue: event.venue } : {}),
    ...(event.startsAt ? { startsAt: event.startsAt } : {}),
    currency: event.currency,
  };
}
