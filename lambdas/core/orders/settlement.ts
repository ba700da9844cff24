import { type ChargeLookup, type PaymentProcessor, paymentKey } from '../payments/processor';
import { OrderStateConflict } from '../platform/errors';
import { logger } from '../platform/logger';
import type { Store } from '../platform/store';
import { releaseStillHeld } from '../seats/seat-locks';
import { mayHaveTickets, voidTickets } from '../tickets/ticket-store';
import { isFinal, type OrderRecord, type OrderStatus } from './order-record';
import { getOrder, updateOrder } from './order-store';

/**
 * How an order ends without tickets, whatever failed on the way: one compensation shared by the
 * flow's Catch, the execution-ended rule, the reconciler and the operator reset. Money first
 * in the invariant, last in the sequence: the status is written first (so no step can record or
 * confirm a charge any more), then the seats go back on sale, then every charge is refunded.
 */

export type EndingStatus = Extract<OrderStatus, 'EXPIRED' | 'CANCELLED' | 'FAILED'>;

export interface CompensationResult {
  readonly orderId: string;
  /** The order's status afterwards; CONFIRMED means it was left alone. */
  readonly status: OrderStatus;
  readonly releasedSeatIds: readonly string[];
  readonly refundedChargeIds: readonly string[];
  /** Tickets voided now (an order paid, then ended: failed at the end, or reset). */
  readonly voidedTicketIds: readonly string[];
}

/**
 * What the processor knows of every pay request the order ever made (keys of rounds 1..round),
 * except round `skip`'s.
 */
export async function chargesOf(
  processor: PaymentProcessor,
  order: Pick<OrderRecord, 'orderId' | 'payment'>,
  skip?: number,
): Promise<ChargeLookup[]> {
  const rounds = Array.from({ length: order.payment.round }, (_, i) => i + 1).filter((round) => round !== skip);
  return Promise.all(rounds.map((round) => processor.lookup(paymentKey(order.orderId, round))));
}

/**
 * Refunds every charge of the order except `keep` (the one a confirmed order keeps). A kept charge
 * recorded for the current intent is that round's one charge (one key, one charge), so that
 * round's key is not looked up: a happy one-round order looks up nothing.
 */
export async function refundCharges(
  processor: PaymentProcessor,
  order: Pick<OrderRecord, 'orderId' | 'payment'>,
  keep?: string,
): Promise<string[]> {
  const keptRound = keep && keep === order.payment.chargeId ? order.payment.intent?.round : undefined;
  const refunded: string[] = [];
  for (const charge of await chargesOf(processor, order, keptRound)) {
    if (charge.status !== 'CHARGED' || !charge.chargeId || charge.chargeId === keep) continue;
    await processor.refund(charge.chargeId);
    refunded.push(charge.chargeId);
  }
  return refunded;
}

/**
 * Ends the order without tickets (status and reason as given), frees every seat it holds or was
 * sold, voids its tickets (their own items) and refunds every charge. Idempotent: an order that already ended
 * without tickets keeps its status and only has its seats and money settled again. A CONFIRMED
 * order is never touched.
 */
export async function compensateOrder(
  store: Store,
  processor: PaymentProcessor,
  input: { orderId: string; status: EndingStatus; reason: string },
): Promise<CompensationResult> {
  let order = await getOrder(store, input.orderId);
  if (order.status === 'CONFIRMED')
    return {
      orderId: order.orderId,
      status: order.status,
      releasedSeatIds: [],
      refundedChargeIds: [],
      voidedTicketIds: [],
    };
  if (!isFinal(order.status)) order = await endWithoutTickets(store, order, input);
  if (order.status === 'CONFIRMED')
    return {
      orderId: order.orderId,
      status: order.status,
      releasedSeatIds: [],
      refundedChargeIds: [],
      voidedTicketIds: [],
    };

  // Tickets first: the order is no longer CONFIRMED, so none verifies any more; now none shows VALID.
  const voidedTicketIds = mayHaveTickets(order) ? await voidTickets(store, order) : [];
  const releasedSeatIds = await releaseStillHeld(
    store,
    { eventId: order.eventId, orderId: order.orderId, seatIds: order.seatIds },
    { sold: true },
  );
  const refundedChargeIds = await refundCharges(processor, order);
  if (releasedSeatIds.length > 0 || refundedChargeIds.length > 0 || voidedTicketIds.length > 0) {
    logger.info('Order compensated', {
      orderId: order.orderId,
      eventId: order.eventId,
      status: order.status,
      releasedSeatIds,
      refundedChargeIds,
      voidedTicketIds,
    });
  }
  return { orderId: order.orderId, status: order.status, releasedSeatIds, refundedChargeIds, voidedTicketIds };
}

/** The final status first: from then on no step can record a charge or confirm the order. */
async function endWithoutTickets(
  store: Store,
  order: OrderRecord,
  input: { status: EndingStatus; reason: string },
): Promise<OrderRecord> {
  try {
    return await updateOrder(store, order.orderId, {
      set: {
        status: input.status,
        failureReason: input.reason,
        ...(input.status === 'FAILED' ? { 'payment.status': 'failed' } : {}),
      },
      remove: ['taskToken'],
      from: ['HOLDING', 'PAYING'],
    });
  } catch (error) {
    if (!(error instanceof OrderStateConflict)) throw error;
    return getOrder(store, order.orderId); // it ended (or was confirmed) meanwhile: settle what it is now
  }
}
