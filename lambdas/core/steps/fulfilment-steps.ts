import { HoldExpired, NotYourOrder } from '../errors';
import type { NotificationResult, Ticket } from '../order';
import { getOrder, updateOrder } from '../orders';
import { confirmSeats } from '../seat-locks';
import type { Store } from '../store';
import { makeTickets } from '../tickets';

/** Order-flow steps after a successful charge: confirm the seats, issue tickets, complete. */

/** A paid order lost a seat (its hold lapsed and another order took it): refund, no tickets. */
export class SeatsLost extends Error {
  override readonly name = 'SeatsLost';
}

export async function confirmOrderSeats(store: Store, input: { orderId: string }): Promise<void> {
  const order = await getOrder(store, input.orderId);
  try {
    await confirmSeats(store, { eventId: order.eventId, orderId: order.orderId, seatIds: order.seatIds });
  } catch (error) {
    if (error instanceof NotYourOrder || error instanceof HoldExpired) {
      throw new SeatsLost(`Seat${error.seatIds.length === 1 ? '' : 's'} ${error.seatIds.join(', ')} lost after the hold expired`);
    }
    throw error;
  }
}

export async function issueTickets(store: Store, signingKey: string, input: { orderId: string }): Promise<{ ticketIds: string[] }> {
  const order = await getOrder(store, input.orderId);
  const tickets: readonly Ticket[] = order.tickets ?? (await makeTickets(order, signingKey));
  if (!order.tickets) await updateOrder(store, order.orderId, { set: { tickets }, from: ['PAYING'] });
  return { ticketIds: tickets.map((t) => t.ticketId) };
}

export interface NotificationOutcome {
  readonly channel: 'email' | 'sms';
  readonly result: NotificationResult;
}

/** The purchase is done; how the confirmations went is recorded, never a reason to fail. */
export async function completeOrder(
  store: Store,
  input: { orderId: string; notifications: readonly NotificationOutcome[] },
): Promise<void> {
  const notifications = Object.fromEntries(input.notifications.map((n) => [n.channel, n.result]));
  const order = await getOrder(store, input.orderId);
  if (order.status === 'CONFIRMED') return;
  await updateOrder(store, order.orderId, { set: { status: 'CONFIRMED', notifications }, from: ['PAYING'] });
}
