import type { OrderRecord } from '../orders/order-record';
import { ticketRefundKey } from '../payments/processor';
import { scanAll } from '../platform/pages';
import type { Store } from '../platform/store';
import type { TicketItem } from '../tickets/ticket-item';

/**
 * Single-ticket refunds a request left half-done (refunds/refund-ticket.ts): its handler timed out
 * or failed after voiding the ticket (step 1) and before the money (step 3) or the order's refund
 * (step 4), and nobody pressed the button again. Every step is safe to repeat, so finishing one is
 * running the same refund again; this only decides which. Pure over what the plan read, except
 * the scan of refunded tickets.
 *
 * A refund of an order that is no longer CONFIRMED is left to the order's own rules (its seats and
 * charges: `settleOrder`); the order's whole refund gives back all the charge has left.
 */

/** Longer than any API Lambda's timeout: a refund younger than this may still be in its request. */
export const REFUND_GRACE_MS = 60_000;

export type RefundedTicket = Pick<TicketItem, 'ticketId' | 'eventId' | 'orderId' | 'seatId' | 'refundedAt'>;

/** Every ticket ever refunded singly (a full scan, few items pass the filter: the reconciler's, never a request's). */
export function findRefundedTickets(store: Store): Promise<RefundedTicket[]> {
  return scanAll<RefundedTicket>(store, {
    TableName: store.tables.tickets,
    FilterExpression: 'attribute_exists(refundedAt)',
    ProjectionExpression: 'ticketId, eventId, orderId, seatId, refundedAt',
  });
}

/** What the plan's other scans already say, for the refunded tickets' checks. */
export interface RefundFacts {
  /** Keys of the processor's partial refunds (ledger entries `REFUND`). */
  readonly refundKeys: ReadonlySet<string>;
  /** Charges still CHARGED (a charge refunded whole has covered every ticket's share). */
  readonly chargedIds: ReadonlySet<string>;
  /** `eventId#seatId` → the order a seat is HELD or SOLD to. */
  readonly seatOwners: ReadonlyMap<string, string>;
  /** The refunded tickets of each order. */
  readonly refundedPerOrder: ReadonlyMap<string, number>;
}

export const seatKey = (eventId: string, seatId: string): string => `${eventId}#${seatId}`;

/** Why this refund is unfinished (a step a crash left undone), or undefined when it is done or not due. */
export function unfinishedRefund(
  ticket: RefundedTicket,
  order: Pick<OrderRecord, 'status' | 'seatIds'> & { readonly payment: Pick<OrderRecord['payment'], 'chargeId'> },
  facts: RefundFacts,
  now: number,
): string | undefined {
  if (order.status !== 'CONFIRMED') return undefined;
  if ((ticket.refundedAt ?? now) > now - REFUND_GRACE_MS) return undefined;
  if (facts.seatOwners.get(seatKey(ticket.eventId, ticket.seatId)) === ticket.orderId)
    return `ticket ${ticket.ticketId} refunded, its seat ${ticket.seatId} still the order's`;
  const chargeId = order.payment.chargeId;
  if (chargeId && facts.chargedIds.has(chargeId) && !facts.refundKeys.has(ticketRefundKey(ticket.ticketId)))
    return `ticket ${ticket.ticketId} voided for a refund never given back`;
  if ((facts.refundedPerOrder.get(ticket.orderId) ?? 0) >= order.seatIds.length)
    return 'every ticket refunded singly, the order still CONFIRMED';
  return undefined;
}
