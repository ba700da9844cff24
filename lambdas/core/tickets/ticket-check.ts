import type { OrderRecord } from '../orders/order-record';
import { getOrder } from '../orders/order-store';
import { OrderNotFound } from '../platform/errors';
import type { Store } from '../platform/store';
import { getTicket } from './ticket-store';
import { type TicketPayload, verifyTicketToken } from './ticket-tokens';

/**
 * What the door scanner asks: is this ticket good *now*? A right signature only proves TicketDrop
 * issued it once; a ticket voided since (its order refunded, compensated or reset) still carries
 * a right signature. So the ticket's own item must be VALID and carry this very token, and its
 * order be CONFIRMED — two reads by key.
 */

export type TicketRefusal =
  /** Forged, altered, or signed with another key. */
  | 'badSignature'
  | 'orderNotFound'
  /** Its order is no longer CONFIRMED (refunded, reset). */
  | 'orderNotConfirmed'
  /** Taken back: its item VOIDED, or no item with this token. */
  | 'voided';

export type TicketCheck =
  | { readonly valid: true; readonly ticket: TicketPayload }
  | { readonly valid: false; readonly reason: TicketRefusal; readonly ticket?: TicketPayload };

export async function verifyTicket(store: Store, signingKey: string, token: string): Promise<TicketCheck> {
  const ticket = verifyTicketToken(token, signingKey);
  if (!ticket) return { valid: false, reason: 'badSignature' };
  const [item, found] = await Promise.all([
    getTicket(store, ticket), // the token names the event: the item's partition
    getOrder(store, ticket.orderId, { consistent: true }).catch((error: unknown) => {
      if (error instanceof OrderNotFound) return undefined;
      throw error;
    }),
  ]);
  if (!found) return { valid: false, reason: 'orderNotFound', ticket };
  const order: OrderRecord = found;
  const current =
    item !== undefined &&
    item.state === 'VALID' &&
    item.token === token &&
    item.orderId === ticket.orderId &&
    item.seatId === ticket.seatId &&
    item.eventId === ticket.eventId;
  if (order.status !== 'CONFIRMED') return { valid: false, reason: current ? 'orderNotConfirmed' : 'voided', ticket };
  if (!current || order.eventId !== ticket.eventId) return { valid: false, reason: 'voided', ticket };
  return { valid: true, ticket };
}
