import type { OrderRecord } from '../orders/order-record';

/**
 * What one ticket of an order cost, i.e. what refunding it singly gives back. Orders carry one
 * amount for all their seats today, so it is an equal share, rounded down: the cents the rounding
 * keeps are given back when the order's last ticket is refunded (the whole charge's rest).
 * The one place to change when tickets carry their own price (price levels).
 */
export function ticketPriceCents(order: Pick<OrderRecord, 'amountCents' | 'seatIds'>, _seatId: string): number {
  return order.seatIds.length === 0 ? 0 : Math.floor(order.amountCents / order.seatIds.length);
}
