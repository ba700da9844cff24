/** The buyer's tickets by their signed link (`GET /api/orders/{orderId}/tickets?t=`, docs/API.md). Types only. */

import type { OrderView } from './order-view';

/** What a ticket names of its event: shown on the tickets page and printed on the PDF. */
export interface TicketEvent {
  readonly eventId: string;
  readonly name: string;
  readonly venue?: string;
  /** ISO 8601 with the event's own offset. */
  readonly startsAt?: string;
  readonly currency: string;
}

export interface TicketsPage {
  /** The order; each ticket carries its seat's `priceCents`. */
  readonly order: OrderView;
  readonly event: TicketEvent;
}
