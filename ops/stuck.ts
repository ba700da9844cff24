import { type Executions, orderIdOfExecution } from '../lambdas/core/orders/executions';
import { isFinal, type OrderRecord } from '../lambdas/core/orders/order-record';
import { getOrder } from '../lambdas/core/orders/order-store';
import { memo, scanAll } from '../lambdas/core/platform/pages';
import type { Store } from '../lambdas/core/platform/store';
import { findOpenOrders, planReconcile, type ReconcilePlan } from '../lambdas/core/reconcile/plan';
import type { SeatItem } from '../lambdas/core/seats/seat-item';

/**
 * `npm run stuck`: what should have ended and did not. A flow ends an expired hold within seconds
 * (its wait times out), so anything open well past its hold is stuck. Harmless for buyers (a
 * lapsed hold is free for anyone) but a sign of a broken or stopped flow.
 */

/** How long past its hold an order or seat may stay open before it counts as stuck. */
export const STUCK_GRACE_MS = 60_000;

export interface StuckReport {
  readonly orders: readonly {
    orderId: string;
    eventId: string;
    status: string;
    holdExpiresAt: number;
    execution: string;
  }[];
  readonly seats: readonly {
    eventId: string;
    seatId: string;
    orderId?: string;
    holdExpiresAt?: number;
    orderStatus: string;
  }[];
  /** Executions still running for orders that already ended. */
  readonly executions: readonly { executionArn: string; orderId: string; orderStatus: string }[];
  /** What the reconciler would do about it now (`npm run reconcile` does it). */
  readonly reconcile: ReconcilePlan;
}

export async function findStuck(
  store: Store,
  executions: Executions,
  options: { now?: number; graceMs?: number } = {},
): Promise<StuckReport> {
  const cutoff = (options.now ?? store.now()) - (options.graceMs ?? STUCK_GRACE_MS);
  const openPastHold = (await findOpenOrders(store)).filter((o) => o.holdExpiresAt < cutoff);
  const orders = await Promise.all(
    openPastHold.map(async (order) => ({
      orderId: order.orderId,
      eventId: order.eventId,
      status: order.status,
      holdExpiresAt: order.holdExpiresAt,
      execution: (await executions.describe(order.orderId))?.status ?? 'NONE',
    })),
  );

  const statusOf = memo((orderId: string) =>
    getOrder(store, orderId).then(
      (o: OrderRecord) => o.status,
      () => 'NOT_FOUND',
    ),
  );
  const seats = await Promise.all(
    (await heldSeatsExpiredBefore(store, cutoff)).map(async (seat) => ({
      eventId: seat.eventId,
      seatId: seat.seatId,
      ...(seat.orderId ? { orderId: seat.orderId } : {}),
      ...(seat.holdExpiresAt ? { holdExpiresAt: seat.holdExpiresAt } : {}),
      orderStatus: seat.orderId ? await statusOf(seat.orderId) : 'NONE',
    })),
  );

  const running = await executions.running();
  const ended = await Promise.all(
    running.map(async (e) => {
      const orderId = orderIdOfExecution(e.executionArn);
      const orderStatus = await statusOf(orderId);
      return { executionArn: e.executionArn, orderId, orderStatus };
    }),
  );
  const plan = await planReconcile(store, executions, options.now === undefined ? {} : { now: options.now });
  return {
    orders,
    seats,
    executions: ended.filter((e) => e.orderStatus === 'NOT_FOUND' || isFinal(e.orderStatus as OrderRecord['status'])),
    reconcile: plan,
  };
}

/** Seats still HELD whose hold ran out before `cutoff`: a scan (operators, not the buy path). */
function heldSeatsExpiredBefore(store: Store, cutoff: number): Promise<SeatItem[]> {
  return scanAll<SeatItem>(store, {
    TableName: store.tables.seats,
    FilterExpression: '#status = :held AND holdExpiresAt < :cutoff',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':held': 'HELD', ':cutoff': cutoff },
  });
}
