import { type Priced, seatPriceCents } from '../../../contract/price-levels';
import { priceOf } from '../events/prices';
import type { OrderRecord } from '../orders/order-record';

/**
 * What one ticket of an order cost, i.e. what refunding it singly gives back: its seat's price by
 * the event's price levels (contract/price-levels.ts), when those levels are the ones the order
 * was charged by (its amount is their sum; an event's prices cannot change once anyone has
 * ordered, so this holds for every order a sale takes). Otherwise (an order older than price
 * levels, or an amount set some other way) an equal share of the order's amount, rounded down: the
 * cents the rounding keeps are given back when the order's last ticket is refunded (the charge's
 * rest).
 */
export function ticketPriceCents(
  order: Pick<OrderRecord, 'amountCents' | 'seatIds'>,
  seatId: string,
  event?: Priced,
): number {
  if (event && order.seatIds.includes(seatId) && priceOf(event, order.seatIds) === order.amountCents)
    return seatPriceCents(event, seatId);
  return order.seatIds.length === 0 ? 0 : Math.floor(order.amountCents / order.seatIds.length);
}
