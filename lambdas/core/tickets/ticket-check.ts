import type { OrderRecord } from '../orders/order-record';
import { getOrder } from '../orders/order-store';
import { OrderNotFound } from '../platform/errors';
import type { Store } from '../platform/store';
import { type TicketPayload, verifyTicketToken } from './ticket-tokens';

/**
 * What the door scanner asks: is this ticket good *now*? A right signature only proves TicketDrop
 * issued it once; a ticket voided since (its order refunded, compensated or reset) still carries
 * a right signature. So the ticket must also be among the current `tickets` of its order, and the
 * order CONFIRMED — one read of the order by key.
 */

export type TicketRefusal =
  /** Forged, altered, or signed with another key. */
  | 'badSignature'
  | 'orderNotFound'
  /** Its order is no longer CONFIRMED (refunded, reset). */
  | 'orderNotConfirmed'
  /** Taken back: in the order's `voidedTickets`, or not among its current tickets. */
  | 'voided';

export type TicketCheck =
  | { readonly valid: true; readonly ticket: TicketPayload }
  | { readonly valid: false; readonly reason: TicketRefusal; readonly ticket?: TicketPayload };

export async function verifyTicket(store: Store, signingKey: string, token: string): Promise<TicketCheck> {
  const ticket = verifyTicketToken(token, signingKey);
  if (!ticket) return { valid: false, reason: 'badSignature' };
  let order: OrderRecord;
  try {
    order = await getOrder(store, ticket.orderId, { consistent: true });
  } catch (error) {
    if (error instanceof OrderNotFound) return { valid: false, reason: 'orderNotFound', ticket };
    throw error;
  }
  const current = (order.tickets ?? []).some(
    (t) => t.ticketId === ticket.ticketId && t.seatId === ticket.seatId && t.token === token,
  );
  if (order.status !== 'CONFIRMED') return { valid: false, reason: current ? 'orderNotConfirmed' : 'voided', ticket };
  if (!current || order.eventId !== ticket.eventId) return { valid: false, reason: 'voided', ticket };
  return { valid: true, ticket };
}
