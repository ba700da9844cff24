import type { PaymentProcessor } from '../../payments/processor';
import { HoldExpired, NotYourOrder, OrderStateConflict } from '../../platform/errors';
import { logger } from '../../platform/logger';
import type { Store } from '../../platform/store';
import { confirmSeats } from '../../seats/seat-locks';
import { putTickets, voidTickets } from '../../tickets/ticket-store';
import { makeTickets } from '../../tickets/ticket-tokens';
import { isFinal, type NotificationResult, type OrderRecord } from '../order-record';
import { getOrder, updateOrder } from '../order-store';
import type { PaidOrder } from '../order-workflow';
import { refundCharges } from '../settlement';
import { ChargeMismatch } from './payment-steps';

/** Order-flow steps after a successful charge: confirm the seats, issue tickets, complete. */

/** A paid order lost a seat (its hold lapsed and another order took it): refund, no tickets. */
export class SeatsLost extends Error {
  override readonly name = 'SeatsLost';
}

/**
 * Sells the order's seats to it — only for a PAYING order charged for the seats (the intent's
 * amount is the order's price), so a seat is never sold without the money.
 *
 * With `paid` (the order as its pay request left it, from the flow's state) nothing is read: the
 * flow reaches this step only after the processor took the charge for that intent (ChargePayment's
 * answer, which the state carries to CompleteOrder, or RecordPaymentFailure finding and recording
 * it), and while PAYING neither seats nor amount can change. What
 * decides is the seat write itself (held by this order); an order ended meanwhile (compensation
 * writes the status first, then frees the seats) is caught by IssueTickets' read and
 * CompleteOrder's conditional write, and compensated.
 */
export async function confirmOrderSeats(store: Store, input: { orderId: string; paid?: PaidOrder }): Promise<void> {
  const seats = input.paid ?? (await recordedChargeOf(store, input.orderId));
  if (!seats) return; // a retry after the flow went on
  try {
    await confirmSeats(store, { eventId: seats.eventId, orderId: input.orderId, seatIds: seats.seatIds });
  } catch (error) {
    if (error instanceof NotYourOrder || error instanceof HoldExpired) {
      throw new SeatsLost(
        `Seat${error.seatIds.length === 1 ? '' : 's'} ${error.seatIds.join(', ')} lost after the hold expired`,
      );
    }
    throw error;
  }
}

/** The order read for its seats, checked to be PAYING with its charge recorded; undefined if CONFIRMED. */
async function recordedChargeOf(store: Store, orderId: string): Promise<OrderRecord | undefined> {
  const order = await getOrder(store, orderId);
  if (order.status === 'CONFIRMED') return undefined;
  if (order.status !== 'PAYING' || !order.payment.chargeId) {
    throw new OrderStateConflict(
      order.orderId,
      ['PAYING'],
      `Order ${order.orderId} has no recorded charge to confirm (${order.status})`,
    );
  }
  if (order.payment.intent?.amountCents !== order.amountCents) {
    throw new ChargeMismatch(
      `Charged ${order.payment.intent?.amountCents ?? 'nothing'} for seats costing ${order.amountCents}`,
    );
  }
  return order;
}

/**
 * One ticket item per seat (tickets/ticket-store.ts), nothing on the order. Idempotent: the ids
 * derive from order and seat and each put is conditional, so a retried step writes nothing new.
 * An order compensated while this ran has its tickets voided here: either the compensation
 * saw them, or the read after the puts sees the order ended — a ticket of an ended order never
 * stays VALID. That read stays whatever the state carries: it is what decides. With `paid` (from
 * the flow's state) it is the only read.
 */
export async function issueTickets(
  store: Store,
  signingKey: string,
  input: { orderId: string; paid?: PaidOrder },
): Promise<{ ticketIds: string[] }> {
  let seats: Pick<OrderRecord, 'eventId' | 'seatIds'> | undefined = input.paid;
  let confirmed = false;
  if (!seats) {
    const order = await getOrder(store, input.orderId);
    if (order.status !== 'PAYING' && order.status !== 'CONFIRMED') {
      throw new OrderStateConflict(order.orderId, ['PAYING'], `Order ${order.orderId} is ${order.status}: no tickets`);
    }
    confirmed = order.status === 'CONFIRMED';
    seats = order;
  }
  const tickets = makeTickets(
    { orderId: input.orderId, eventId: seats.eventId, seatIds: seats.seatIds },
    signingKey,
    store.now(),
  );
  if (!confirmed) {
    await putTickets(store, tickets);
    const now = await getOrder(store, input.orderId, { consistent: true });
    if (isFinal(now.status) && now.status !== 'CONFIRMED') {
      await voidTickets(store, now);
      throw new OrderStateConflict(
        input.orderId,
        ['PAYING'],
        `Order ${input.orderId} ended (${now.status}): no tickets`,
      );
    }
  }
  return { ticketIds: tickets.map((t) => t.ticketId) };
}

export interface NotificationOutcome {
  readonly channel: 'email' | 'sms';
  readonly result: NotificationResult;
}

/**
 * The purchase is done: the order is CONFIRMED with its charge, in one conditional write. How the
 * confirmations went is recorded, never a reason to fail. Any other charge of the order (a late
 * answer of an earlier pay request that nothing refunded yet) is refunded: a confirmed order keeps
 * exactly one charge.
 *
 * `charge` is ChargePayment's answer carried by the flow's state (with `paid`, its pay request):
 * it is recorded here, and only for the current intent while PAYING — the guard that decides
 * whether the order keeps the charge. Without it (a charge found after the attempts failed, the
 * reconciler) the charge must already be on the order: an order is never confirmed unpaid.
 */
export async function completeOrder(
  store: Store,
  processor: PaymentProcessor,
  input: {
    orderId: string;
    notifications: readonly NotificationOutcome[];
    charge?: { readonly chargeId: string };
    paid?: PaidOrder;
  },
): Promise<void> {
  const notifications = Object.fromEntries(input.notifications.map((n) => [n.channel, n.result]));
  const { charge, paid } = input;
  let order: OrderRecord;
  try {
    // Written without reading first: the guards decide, the written order is returned.
    order = await updateOrder(
      store,
      input.orderId,
      charge
        ? {
            set: {
              status: 'CONFIRMED',
              notifications,
              'payment.chargeId': charge.chargeId,
              'payment.status': 'succeeded',
            },
            remove: ['payment.lastError'],
            from: ['PAYING'],
            expect: { unchargedOr: charge.chargeId, ...(paid ? { intentKey: paid.intent.key } : {}) },
          }
        : { set: { status: 'CONFIRMED', notifications }, from: ['PAYING'], expect: { charged: true } },
    );
  } catch (error) {
    if (!(error instanceof OrderStateConflict)) throw error;
    order = await getOrder(store, input.orderId);
    if (order.status !== 'CONFIRMED') throw error; // ended meanwhile: the flow compensates
  }
  const refunded = await refundCharges(processor, order, order.payment.chargeId);
  if (refunded.length > 0)
    logger.warn('Refunded stray charges of a confirmed order', { orderId: order.orderId, refunded });
}
