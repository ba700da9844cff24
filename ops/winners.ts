import { getEvent } from '../lambdas/core/events/event-records';
import { ordersOfEvent, validTicketsByOrder } from '../lambdas/core/events/event-report';
import type { Store } from '../lambdas/core/platform/store';

/** `npm run winners -- <eventId>`: who got tickets, per buyer, and how much of the event sold. */

export interface WinnersReport {
  readonly eventId: string;
  readonly seatCount: number;
  readonly soldSeats: number;
  readonly buyers: readonly { buyerId: string; orderIds: string[]; seatIds: string[] }[];
}

export async function winners(store: Store, eventId: string): Promise<WinnersReport> {
  const event = await getEvent(store, eventId);
  const confirmed = (await ordersOfEvent(store, eventId)).filter((o) => o.status === 'CONFIRMED');
  const tickets = await validTicketsByOrder(store, eventId);
  const byBuyer = new Map<string, { buyerId: string; orderIds: string[]; seatIds: string[] }>();
  for (const order of confirmed) {
    const entry = byBuyer.get(order.buyerId) ?? { buyerId: order.buyerId, orderIds: [], seatIds: [] };
    entry.orderIds.push(order.orderId);
    entry.seatIds.push(...(tickets.get(order.orderId) ?? []).map((t) => t.seatId));
    byBuyer.set(order.buyerId, entry);
  }
  const buyers = [...byBuyer.values()].sort(
    (a, b) => b.seatIds.length - a.seatIds.length || a.buyerId.localeCompare(b.buyerId),
  );
  return { eventId, seatCount: event.seatCount, soldSeats: buyers.reduce((n, b) => n + b.seatIds.length, 0), buyers };
}
