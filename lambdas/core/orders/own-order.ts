import { getEvent } from '../events/event-records';
import { OrderNotFound } from '../platform/errors';
import type { Store } from '../platform/store';
import { checkSeatIds } from '../seats/order-holds';
import { submitBuyerAction } from './buyer-action';
import type { OrderRecord } from './order-record';
import { getOrder } from './order-store';
import type { BuyerAction, OrderWorkflow } from './order-workflow';

/**
 * A buyer's access to their own orders. Someone else's order answers OrderNotFound, exactly like
 * an order that does not exist, so order ids cannot be probed.
 */

const ORDER_ID = /^ord_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export async function getOwnOrder(store: Store, orderId: string, buyerId: string): Promise<OrderRecord> {
  if (!ORDER_ID.test(orderId)) throw new OrderNotFound(orderId); // not worth a read
  const order = await getOrder(store, orderId);
  if (order.buyerId !== buyerId) throw new OrderNotFound(orderId);
  return order;
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
  if (request.action.action === 'change') checkSeatIds(await getEvent(store, order.eventId), request.action.seatIds);
  return submitBuyerAction(store, workflow, request);
}
