import type { TicketRefund, TicketRefundPayment } from '../../../contract/refunds';
import { getEvent } from '../events/event-records';
import { getOrder } from '../orders/order-store';
import { type PaymentProcessor, ticketRefundKey } from '../payments/processor';
import { OrderStateConflict, TicketNotFound } from '../platform/errors';
import { logger } from '../platform/logger';
import type { Store } from '../platform/store';
import { releaseStillHeld } from '../seats/seat-locks';
import type { TicketItem } from '../tickets/ticket-item';
import { getTicket, ticketsOfOrder, voidForRefund } from '../tickets/ticket-store';
import { REFUND_REASON, refundOrder } from './refund-order';
import { ticketPriceCents } from './ticket-price';

/**
 * An operator refunds ONE ticket of a confirmed order from the console. The order stays
 * CONFIRMED with its other tickets; refunding its last valid ticket refunds the order (CANCELLED,
 * refund-order.ts), which also gives back the cents an equal share rounded away.
 *
 * Steps, each safe to repeat, so a retry of the same request finishes whatever a crash left:
 *   1. the ticket VALID → VOIDED with its refund noted (price, when, who): one conditional write;
 *      from then on it no longer verifies at a door, and its price is fixed for every retry;
 *   2. its seat back on sale, only if still SOLD (or held) to this order (the seats stream tells
 *      every open seat map; a seat resold meanwhile is left alone);
 *   3. the price refunded at the processor under the ticket's own idempotency key
 *      (`ticketRefundKey`): a lost answer asked again never refunds twice; a charge refunded whole
 *      meanwhile (the order refunded) already covered it;
 *   4. no valid ticket left → the order is refunded (CONFIRMED → CANCELLED, the charge's rest).
 * Money last, as in every compensation: a crash before step 3 leaves a voided ticket whose money
 * the retry (or the order's whole refund, which gives back all the charge has left) returns; when
 * nobody asks again, the reconciler runs this same refund (reconcile/ticket-refunds.ts).
 */

const TICKET_ID_PATTERN = /^tkt_[A-Za-z0-9_-]{20}$/;

export async function refundTicket(
  store: Store,
  processor: PaymentProcessor,
  input: { orderId: string; ticketId: string; operatorId: string },
): Promise<TicketRefund> {
  const { orderId, ticketId, operatorId } = input;
  // An id no ticket can have (ticketIdOf) is not one: no read, and no oversized key sent to DynamoDB.
  if (!TICKET_ID_PATTERN.test(ticketId)) throw new TicketNotFound(ticketId.slice(0, 40));
  const order = await getOrder(store, orderId, { consistent: true });
  // The route names order and ticket; the order names the event, the ticket's partition.
  const key = { eventId: order.eventId, ticketId };
  const found = await getTicket(store, key);
  if (!found || found.orderId !== orderId) throw new TicketNotFound(ticketId);
  let ticket: TicketItem = found;
  let refundedNow = false;
  if (ticket.refundedAt === undefined) {
    if (order.status !== 'CONFIRMED')
      throw new OrderStateConflict(
        orderId,
        ['CONFIRMED'],
        `Order ${orderId} is ${order.status}: only a confirmed order's tickets can be refunded`,
      );
    // The seat's price by the event's levels (one event read, only on a ticket's first refund).
    const event = await getEvent(store, order.eventId);
    const cents = ticketPriceCents(order, ticket.seatId, event);
    refundedNow = await voidForRefund(store, ticket, { cents, by: operatorId });
    const now = await getTicket(store, key);
    if (!now || now.refundedAt === undefined)
      throw new OrderStateConflict(orderId, ['CONFIRMED'], `Ticket ${ticketId} is voided already: nothing to refund`);
    ticket = now;
  }
  const refundCents = ticket.refundCents ?? 0;

  const [releasedSeatId] = await releaseStillHeld(
    store,
    { eventId: order.eventId, orderId, seatIds: [ticket.seatId] },
    { sold: true },
  );
  const chargeId = order.payment.chargeId;
  const payment: TicketRefundPayment = chargeId
    ? await processor.refundPart({
        idempotencyKey: ticketRefundKey(ticketId),
        chargeId,
        orderId,
        amountCents: refundCents,
      })
    : ({ outcome: 'noCharge' } as const);

  const stillValid = (await ticketsOfOrder(store, order)).filter((t) => t.state === 'VALID');
  const orderRefund =
    stillValid.length === 0 && (order.status === 'CONFIRMED' || order.failureReason?.startsWith(REFUND_REASON))
      ? await refundOrder(store, processor, { orderId, operatorId, note: 'every ticket refunded' })
      : undefined;

  logger.info('Ticket refunded', {
    orderId,
    eventId: order.eventId,
    ticketId,
    seatId: ticket.seatId,
    operatorId,
    refundedNow,
    refundCents,
    releasedSeatId,
    payment: payment.outcome,
    orderRefunded: orderRefund !== undefined,
  });
  return {
    orderId,
    ticketId,
    seatId: ticket.seatId,
    refundCents,
    refundedNow,
    ...(releasedSeatId ? { releasedSeatId } : {}),
    payment,
    ...(orderRefund ? { orderRefund } : {}),
  };
}
