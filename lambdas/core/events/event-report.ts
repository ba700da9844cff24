import type { OrderSummary } from '../../../contract/console-views';
import { existingOrders, listedOrderIds } from '../orders/buyer-orders';
import { isFinal, type OrderRecord } from '../orders/order-record';
import type { Store } from '../platform/store';
import type { TicketItem } from '../tickets/ticket-item';
import { ticketsOfEvent } from '../tickets/ticket-store';
import { getEvent } from './event-records';

export type { OrderSummary };

/** What operators see of an event's sales: every order, and who got which ticket. */

export interface TicketHolder {
  readonly buyerId: string;
  readonly orderId: string;
  readonly seatId: string;
  readonly ticketId: string;
}

/**
 * The event's orders, oldest first: their ids as the buyers' items list them (orders/buyer-orders.ts:
 * one Query of the event's `buyers` partition, eventually consistent — an order created a moment
 * ago may be missing), then the orders by key. Listed ids without an order (a create that failed
 * after its claim) are skipped, and so is an order of another event (a create retried with an
 * order id of another event lists that id here, but writes no order).
 */
export async function ordersOfEvent(store: Store, eventId: string): Promise<OrderRecord[]> {
  await getEvent(store, eventId); // EventNotFound rather than an empty list for a mistyped id
  const orders = await existingOrders(store, await listedOrderIds(store, eventId));
  return orders
    .filter((order) => order.eventId === eventId)
    .sort((a, b) => a.createdAt - b.createdAt || a.orderId.localeCompare(b.orderId));
}

/**
 * The event's VALID tickets by order id (one Query of the event's partition of the tickets
 * table, eventually consistent): what every report of who holds which seat reads.
 */
export async function validTicketsByOrder(store: Store, eventId: string): Promise<Map<string, TicketItem[]>> {
  const byOrder = new Map<string, TicketItem[]>();
  for (const ticket of await ticketsOfEvent(store, eventId)) {
    if (ticket.state !== 'VALID') continue;
    byOrder.set(ticket.orderId, [...(byOrder.get(ticket.orderId) ?? []), ticket]);
  }
  return byOrder;
}

/** Who holds which VALID ticket, in the order the orders were made (seat order within an order). */
export async function ticketHolders(store: Store, eventId: string): Promise<TicketHolder[]> {
  const orders = await ordersOfEvent(store, eventId);
  const tickets = await validTicketsByOrder(store, eventId);
  return orders.flatMap((order) =>
    order.seatIds.flatMap((seatId) =>
      (tickets.get(order.orderId) ?? [])
        .filter((ticket) => ticket.seatId === seatId)
        .map((ticket) => ({ buyerId: order.buyerId, orderId: order.orderId, seatId, ticketId: ticket.ticketId })),
    ),
  );
}

/** `open`: HOLDING or PAYING by status, including lapsed holds whose flow has not ended them yet. */
export async function orderSummaries(store: Store, eventId: string, which: 'open' | 'all'): Promise<OrderSummary[]> {
  const [orders, tickets] = await Promise.all([ordersOfEvent(store, eventId), validTicketsByOrder(store, eventId)]);
  return orders
    .filter((order) => which === 'all' || !isFinal(order.status))
    .map((order) => toOrderSummary(order, tickets.get(order.orderId)?.length ?? 0));
}

export function toOrderSummary(order: OrderRecord, ticketCount = 0): OrderSummary {
  return {
    orderId: order.orderId,
    buyerId: order.buyerId,
    status: order.status,
    seatIds: order.seatIds,
    amountCents: order.amountCents,
    currency: order.currency,
    holdExpiresAt: order.holdExpiresAt,
    paymentStatus: order.payment.status,
    ticketCount,
    ...(order.failureReason === undefined ? {} : { failureReason: order.failureReason }),
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
  };
}
