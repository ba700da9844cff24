import { recentEvent } from '../events/event-memo';
import { OrderNotFound, TicketNotFound } from '../platform/errors';
import type { Store } from '../platform/store';
import { checkSeatIds } from '../seats/order-holds';
import type { TicketItem } from '../tickets/ticket-item';
import { getTicket } from '../tickets/ticket-store';
import { submitBuyerAction } from './buyer-action';
import type { OrderRecord } from './order-record';
import { getOrder } from './order-store';
import type { BuyerAction, OrderWorkflow } from './order-workflow';

/**
 * A buyer's access to their own orders. Someone else's order answers OrderNotFound, exactly like
 * an order that does not exist, so order ids cannot be probed.
 */

const TICKET_ID = /^tkt_[A-Za-z0-9_-]{20}$/;
const ORDER_ID = /^ord_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export async function getOwnOrder(store: Store, orderId: string, buyerId: string): Promise<OrderRecord> {
  if (!ORDER_ID.test(orderId)) throw new OrderNotFound(orderId); // not worth a read
  const order = await getOrder(store, orderId);
  if (order.buyerId !== buyerId) throw new OrderNotFound(orderId);
  return order;
}

/** A ticket of the buyer's own order; anyone else's (or none) answers 404 like an unknown one. */
export async function getOwnTicket(
  store: Store,
  request: { orderId: string; ticketId: string; buyerId: string },
): Promise<TicketItem> {
  // The route names the order and the ticket, not the event: the order says which event's partition.
  const order = await getOwnOrder(store, request.orderId, request.buyerId);
  if (!TICKET_ID.test(request.ticketId)) throw new TicketNotFound(request.ticketId); // not worth a read
  const ticket = await getTicket(store, { eventId: order.eventId, ticketId: request.ticketId });
  if (ticket?.orderId !== request.orderId) throw new TicketNotFound(request.ticketId);
  return ticket;
}

/**
 * Passes pay / change / cancel to the order's flow. A change is checked against the event's seat
 * map first, so a bad seat is refused now (InvalidSeat) instead of noted later by the flow.
 */
export async function actOnOwnOrder(
  store: Store,
  workflow: OrderWorkflow,
  request: { orderId: string; buyerId: string; action: BuyerAction },
): Promise<OrderRecord> {
  const order = await getOwnOrder(store, request.orderId, request.buyerId);
  if (request.action.action === 'change') checkSeatIds(await recentEvent(store, order.eventId), request.action.seatIds);
  // The order just read is the action's first look at it: a pay request reads the order once.
  return submitBuyerAction(store, workflow, { ...request, read: order });
}
