import type { OrderView } from '../../../contract/order-view';
import { type OrderRecord, toOrderView } from '../orders/order-record';
import { logger } from '../platform/logger';
import type { Store } from '../platform/store';
import type { TicketItem } from './ticket-item';
import { mayHaveTickets, ticketsOfOrder } from './ticket-store';

/**
 * The buyer's view of an order with its tickets, read from their own items (one strongly
 * consistent BatchGetItem, only for an order that can have tickets): GET order and the live pushes.
 */
export async function viewOrder(store: Store, order: OrderRecord): Promise<OrderView> {
  return toOrderView(order, mayHaveTickets(order) ? await ticketsOfOrder(store, order) : []);
}

/**
 * The tickets of the orders in a stream batch that can have them, by order id, for the live
 * pushes (the stream carries only the order). Orders whose tickets could not be read are listed
 * in `failed`: their pushes are held back and their records retried.
 */
export async function ticketsForPushes(
  store: Store,
  orders: readonly OrderRecord[],
): Promise<{ tickets: Map<string, TicketItem[]>; failed: Set<string> }> {
  const tickets = new Map<string, TicketItem[]>();
  const failed = new Set<string>();
  await Promise.all(
    orders.filter(mayHaveTickets).map(async (order) => {
      try {
        tickets.set(order.orderId, await ticketsOfOrder(store, order));
      } catch (error) {
        logger.error('Could not read the tickets of a pushed order', { orderId: order.orderId, error: error as Error });
        failed.add(order.orderId);
      }
    }),
  );
  return { tickets, failed };
}
