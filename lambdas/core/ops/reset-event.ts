import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { forEachLimited } from '../concurrency';
import { getEvent } from '../events';
import { ordersOfEvent } from '../event-report';
import { isFinal, type OrderRecord } from '../order';
import { getOrder, updateOrder } from '../orders';
import type { PaymentProcessor } from '../payments/processor';
import { readSeats } from '../seat-map';
import { compensateOrder } from '../settlement';
import type { Store } from '../store';
import type { Executions } from './executions';

/**
 * `npm run reset-event -- <eventId> --yes`: every seat of the event back on sale, as an operator
 * would expect after a botched drop or a rehearsal — not just seats flipped:
 *   1. open orders: their flows stopped first (so none confirms a seat mid-reset), then ended
 *      CANCELLED, refunded when already charged;
 *   2. confirmed orders: payment refunded, tickets voided (kept on the order as `voidedTickets`
 *      for the record), order CANCELLED with the reason;
 *   3. every seat not AVAILABLE made AVAILABLE (version + 1, so open seat maps update live).
 * Idempotent: running it again finds nothing left to do. The event itself, its waiting room and
 * the buyers' open-order pointers (harmless once their orders ended) are left as they are.
 */

export const RESET_REASON = 'The event was reset by an operator';

export interface ResetPlan {
  readonly eventId: string;
  readonly openOrders: readonly string[];
  readonly confirmedOrders: readonly string[];
  readonly heldSeats: number;
  readonly soldSeats: number;
}

export interface ResetResult extends ResetPlan {
  readonly stoppedExecutions: number;
  readonly refundedOrders: readonly string[];
  readonly releasedSeats: number;
}

export async function planReset(store: Store, eventId: string): Promise<ResetPlan> {
  await getEvent(store, eventId); // EventNotFound for a mistyped id
  const orders = await ordersOfEvent(store, eventId);
  const seats = await readSeats(store, eventId, { consistent: true });
  return {
    eventId,
    openOrders: orders.filter((o) => !isFinal(o.status)).map((o) => o.orderId),
    confirmedOrders: orders.filter((o) => o.status === 'CONFIRMED').map((o) => o.orderId),
    heldSeats: seats.filter((s) => s.status === 'HELD').length,
    soldSeats: seats.filter((s) => s.status === 'SOLD').length,
  };
}

export async function resetEvent(store: Store, executions: Executions, processor: PaymentProcessor, eventId: string): Promise<ResetResult> {
  const plan = await planReset(store, eventId);
  let stoppedExecutions = 0;
  const refundedOrders: string[] = [];

  for (const orderId of plan.openOrders) {
    if (await executions.stop(orderId, RESET_REASON)) stoppedExecutions++;
    const order = await readOrder(store, orderId);
    if (isFinal(order.status)) continue; // its flow ended it meanwhile
    const ended = await compensateOrder(store, processor, { orderId, status: 'CANCELLED', reason: RESET_REASON });
    if (ended.refundedChargeIds.length > 0) refundedOrders.push(orderId);
  }

  for (const orderId of plan.confirmedOrders) {
    const order = await readOrder(store, orderId);
    if (order.payment.chargeId) await processor.refund(order.payment.chargeId);
    await updateOrder(store, orderId, {
      set: { status: 'CANCELLED', failureReason: `${RESET_REASON}; payment refunded, tickets void`, voidedTickets: order.tickets ?? [] },
      remove: ['tickets'],
      from: ['CONFIRMED'],
    });
    refundedOrders.push(orderId);
  }

  const taken = (await readSeats(store, eventId, { consistent: true })).filter((s) => s.status !== 'AVAILABLE');
  await forEachLimited(taken, 16, (seat) => makeAvailable(store, eventId, seat.seatId));
  return { ...plan, stoppedExecutions, refundedOrders, releasedSeats: taken.length };
}

function readOrder(store: Store, orderId: string): Promise<OrderRecord> {
  return getOrder(store, orderId, { consistent: true });
}

/** Unconditional but for existence: the flows that could race it were stopped above. */
async function makeAvailable(store: Store, eventId: string, seatId: string): Promise<void> {
  await store.doc.send(
    new UpdateCommand({
      TableName: store.tables.seats,
      Key: { eventId, seatId },
      UpdateExpression: 'SET #status = :available, version = version + :one, updatedAt = :now REMOVE orderId, holdExpiresAt, soldAt',
      ConditionExpression: 'attribute_exists(seatId)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':available': 'AVAILABLE', ':one': 1, ':now': store.now() },
    }),
  );
}
