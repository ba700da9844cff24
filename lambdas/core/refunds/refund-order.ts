import type { OrderRefund } from '../../../contract/refunds';
import type { OrderRecord } from '../orders/order-record';
import { getOrder, updateOrder } from '../orders/order-store';
import { compensateOrder } from '../orders/settlement';
import type { PaymentProcessor } from '../payments/processor';
import { OrderStateConflict } from '../platform/errors';
import { logger } from '../platform/logger';
import type { Store } from '../platform/store';

/**
 * An operator refunds a confirmed order from the console. No refund path of its own: the order
 * leaves CONFIRMED first (one conditional write — from then on none of its tickets verifies at a
 * door, ticket-check.ts wants the order CONFIRMED), then the one compensation every ending shares
 * (settlement.ts) voids its ticket items, puts its sold seats back on sale conditionally (only
 * seats still SOLD to this order; the seats stream tells every open seat map) and refunds every
 * charge. As the operator reset does with the orders it cancels (ops/reset-event.ts).
 *
 * Idempotent: refunding again an order this refunded (a retried request, a timeout after the
 * status write) settles seats and money again and changes nothing else. Any other order is
 * refused (409): only a confirmed order has something to refund.
 */

export const REFUND_REASON = 'Refunded by an operator';

export async function refundOrder(
  store: Store,
  processor: PaymentProcessor,
  input: { orderId: string; operatorId: string; note?: string },
): Promise<OrderRefund> {
  const order = await getOrder(store, input.orderId);
  const reason = input.note ? `${REFUND_REASON}: ${input.note}` : REFUND_REASON;
  const refundedNow = order.status === 'CONFIRMED' && (await leaveConfirmed(store, order, reason));
  const current = refundedNow ? undefined : await getOrder(store, input.orderId);
  if (current && !(current.status === 'CANCELLED' && current.failureReason?.startsWith(REFUND_REASON)))
    throw new OrderStateConflict(
      input.orderId,
      ['CONFIRMED'],
      `Order ${input.orderId} is ${current.status}: only a confirmed order can be refunded`,
    );
  const result = await compensateOrder(store, processor, { orderId: input.orderId, status: 'CANCELLED', reason });
  logger.info('Order refunded', {
    orderId: input.orderId,
    eventId: order.eventId,
    operatorId: input.operatorId,
    refundedNow,
    releasedSeatIds: result.releasedSeatIds,
    refundedChargeIds: result.refundedChargeIds,
    voidedTicketIds: result.voidedTicketIds,
  });
  return { ...result, refundedNow };
}

/** CONFIRMED → CANCELLED with the refund's reason; false when something else moved it first. */
async function leaveConfirmed(store: Store, order: OrderRecord, reason: string): Promise<boolean> {
  try {
    await updateOrder(store, order.orderId, {
      set: { status: 'CANCELLED', failureReason: reason },
      from: ['CONFIRMED'],
    });
    return true;
  } catch (error) {
    if (error instanceof OrderStateConflict) return false;
    throw error;
  }
}
