import type { OrderRecord } from '../orders/order-record';

/**
 * When an open order's own flow should have ended it: the reconciler's rule (plan.ts), shared
 * with the console's "needs attention" list so both call the same orders stuck. Pure.
 */

/** Past its deadline by this much, an order's own flow should have ended it: the reconciler takes over. */
export const OVERDUE_GRACE_MS = 30_000;

/** A paying order keeps its seats until its payment window ends; a holding one until its hold ends. */
export function deadlineOf(order: Pick<OrderRecord, 'status' | 'holdExpiresAt' | 'paymentDeadline'>): number {
  return order.status === 'PAYING' ? Math.max(order.paymentDeadline ?? 0, order.holdExpiresAt) : order.holdExpiresAt;
}

/** True for an open order (HOLDING or PAYING) more than the grace past its deadline. */
export function isOverdue(
  order: Pick<OrderRecord, 'status' | 'holdExpiresAt' | 'paymentDeadline'>,
  now: number,
): boolean {
  return (order.status === 'HOLDING' || order.status === 'PAYING') && now > deadlineOf(order) + OVERDUE_GRACE_MS;
}
