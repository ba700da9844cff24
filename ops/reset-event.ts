import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { forgetEvent } from '../lambdas/core/events/event-memo';
import { type EventStatus, getEvent } from '../lambdas/core/events/event-records';
import { ordersOfEvent } from '../lambdas/core/events/event-report';
import { submitBuyerAction } from '../lambdas/core/orders/buyer-action';
import type { Executions } from '../lambdas/core/orders/executions';
import { isFinal, type OrderRecord } from '../lambdas/core/orders/order-record';
import { findOrder, getOrder, updateOrder } from '../lambdas/core/orders/order-store';
import type { OrderWorkflow } from '../lambdas/core/orders/order-workflow';
import { compensateOrder } from '../lambdas/core/orders/settlement';
import type { PaymentProcessor } from '../lambdas/core/payments/processor';
import { ledgerOfOrder } from '../lambdas/core/payments/simulated-processor';
import { forEachLimited } from '../lambdas/core/platform/concurrency';
import { DomainError, OrderStateConflict } from '../lambdas/core/platform/errors';
import { logger } from '../lambdas/core/platform/logger';
import type { Store } from '../lambdas/core/platform/store';
import type { SeatItem } from '../lambdas/core/seats/seat-item';
import { readSeats } from '../lambdas/core/seats/seat-map';
import { recheckSoldOut } from '../lambdas/core/waiting-room/admission';
import { activeWaitingRoom } from '../lambdas/core/waiting-room/settings';

/**
 * `npm run reset-event -- <eventId> --yes`: every seat of the event back on sale after a botched
 * drop or a rehearsal, without ever selling a seat twice — even while buyers are still buying:
 *   1. the event goes PAUSED: no new hold and no change of seats can start (holds.ts refuses an
 *      event that is not ON_SALE), so the set of orders can only shrink from here;
 *   2. open orders end *through their flow*: a HOLDING order's waiting flow is resumed with
 *      `cancel` (the buyer's own way out, so every step the flow runs on the way is the usual one);
 *      a PAYING order is left to finish, bounded, and then treated as what it became. An order
 *      whose flow does not end it in time (dead, stuck) has its execution stopped and is
 *      compensated (settlement.ts: status first, then seats, then money);
 *   3. confirmed orders (those that were, and those that just became so) go CANCELLED (from then
 *      on none of their tickets verifies, ticket-check.ts), then are compensated: their ticket
 *      items VOIDED, every charge refunded, seats sold to them put back conditionally;
 *   4. a seat still taken is made AVAILABLE only if it is HELD or SOLD by an order that has ended
 *      without tickets and holds no charge any more (`orderId = :o` in the condition) — never
 *      unconditionally; a seat of an order still open or confirmed waits for the next pass;
 *   5. the event goes back ON_SALE.
 * Steps 2–4 repeat until a pass finds nothing left (an order created from a read of the event
 * just before the pause shows up in a later pass). Idempotent: an interrupted reset leaves the
 * event PAUSED, and running it again finishes the job; a reset of a clean event does nothing.
 */

export const RESET_REASON = 'The event was reset by an operator';
/** The reason the flow's own cancel writes, replaced by the reset's (the buyer did not cancel). */
const BUYER_CANCEL_REASON = 'Cancelled by the buyer';

export interface ResetOptions {
  /**
   * How long an open order's flow gets to end it (a payment in progress included) before the
   * reset stops the execution and compensates: the payment flow's longest run plus a margin.
   */
  readonly flowWaitMs?: number;
  readonly pollMs?: number;
  /** Passes over the event before giving up (leaving it PAUSED for a rerun). */
  readonly maxPasses?: number;
}

const DEFAULTS: Required<ResetOptions> = { flowWaitMs: 90_000, pollMs: 250, maxPasses: 8 };

export interface ResetPlan {
  readonly eventId: string;
  readonly eventStatus: EventStatus;
  readonly openOrders: readonly string[];
  readonly confirmedOrders: readonly string[];
  readonly heldSeats: number;
  readonly soldSeats: number;
}

export interface ResetResult extends ResetPlan {
  /** HOLDING orders whose flow ended them on the reset's `cancel`. */
  readonly cancelledThroughFlow: readonly string[];
  /** Executions stopped because their flow did not end the order in time. */
  readonly stoppedExecutions: number;
  /** Orders the reset refunded at least one charge of (confirmed ones, and any ended one still charged). */
  readonly refundedOrders: readonly string[];
  readonly voidedTickets: number;
  /** Seats the reset itself made AVAILABLE (by compensation or the final sweep). */
  readonly releasedSeats: number;
  readonly passes: number;
}

export async function planReset(store: Store, eventId: string): Promise<ResetPlan> {
  const event = await getEvent(store, eventId); // EventNotFound for a mistyped id
  const orders = await ordersOfEvent(store, eventId);
  const seats = await readSeats(store, eventId, { consistent: true });
  return {
    eventId,
    eventStatus: event.status,
    openOrders: orders.filter((o) => !isFinal(o.status)).map((o) => o.orderId),
    confirmedOrders: orders.filter((o) => o.status === 'CONFIRMED').map((o) => o.orderId),
    heldSeats: seats.filter((s) => s.status === 'HELD').length,
    soldSeats: seats.filter((s) => s.status === 'SOLD').length,
  };
}

export interface ResetDeps {
  readonly store: Store;
  readonly executions: Executions;
  readonly workflow: OrderWorkflow;
  readonly processor: PaymentProcessor;
}

export async function resetEvent(deps: ResetDeps, eventId: string, options: ResetOptions = {}): Promise<ResetResult> {
  const settings = { ...DEFAULTS, ...options };
  const { store } = deps;
  const plan = await planReset(store, eventId);
  await setSaleStatus(store, eventId, 'PAUSED');
  logger.info('Reset: event paused', { eventId });

  const tally = {
    cancelledThroughFlow: new Set<string>(),
    stoppedExecutions: 0,
    refundedOrders: new Set<string>(),
    voidedTickets: 0,
    releasedSeats: 0,
  };
  let passes = 0;
  let extra = new Set<string>(); // orders seen on seats but not (yet) in the event's order list
  for (;;) {
    passes++;
    const listed = await ordersOfEvent(store, eventId);
    const known = new Set(listed.map((o) => o.orderId));
    const strays = await Promise.all([...extra].filter((id) => !known.has(id)).map((id) => findOrder(store, id)));
    const orders = [...listed, ...strays.filter((o): o is OrderRecord => o !== undefined)];

    await forEachLimited(orders, 8, async (order) => {
      const ended = isFinal(order.status) ? order : await endThroughFlow(deps, order, settings, tally);
      await settleEnded(deps, ended, tally);
    });
    const sweep = await sweepSeats(deps, eventId);
    tally.releasedSeats += sweep.released;
    extra = sweep.waitingFor;
    // The list may lag (an eventually consistent Query): what it still shows open is read by key.
    const maybeLeft = (await ordersOfEvent(store, eventId)).filter(
      (o) => !isFinal(o.status) || o.status === 'CONFIRMED',
    );
    const left = (await Promise.all(maybeLeft.map((o) => findOrder(store, o.orderId)))).filter(
      (o) => o && (!isFinal(o.status) || o.status === 'CONFIRMED'),
    );
    if (sweep.waitingFor.size === 0 && left.length === 0) break;
    if (passes >= settings.maxPasses) {
      throw new Error(
        `Reset of ${eventId}: orders or seats still open after ${passes} passes; the event stays PAUSED — run the reset again`,
      );
    }
    await sleep(settings.pollMs);
  }

  await setSaleStatus(store, eventId, 'ON_SALE');
  // Every seat is back on sale: the waiting room's sold-out state follows the count (issue #12).
  const room = activeWaitingRoom(await getEvent(store, eventId));
  if (room) {
    const free = (await readSeats(store, eventId, { consistent: true })).filter((s) => s.status === 'AVAILABLE');
    await recheckSoldOut(store, eventId, room, free.length);
  }
  logger.info('Reset: event back on sale', {
    eventId,
    passes,
    releasedSeats: tally.releasedSeats,
    refundedOrders: tally.refundedOrders.size,
  });
  return {
    ...plan,
    cancelledThroughFlow: [...tally.cancelledThroughFlow],
    stoppedExecutions: tally.stoppedExecutions,
    refundedOrders: [...tally.refundedOrders],
    voidedTickets: tally.voidedTickets,
    releasedSeats: tally.releasedSeats,
    passes,
  };
}

type Tally = {
  cancelledThroughFlow: Set<string>;
  stoppedExecutions: number;
  refundedOrders: Set<string>;
  voidedTickets: number;
  releasedSeats: number;
};

/**
 * Ends an open order the way its buyer could: `cancel` while its flow waits, otherwise wait for
 * the flow (a payment runs to its end: confirmed or not). Bounded: a flow that does not end the
 * order in time is stopped and the order compensated, so nothing can confirm it afterwards.
 */
async function endThroughFlow(
  deps: ResetDeps,
  order: OrderRecord,
  settings: Required<ResetOptions>,
  tally: Tally,
): Promise<OrderRecord> {
  const { store } = deps;
  const deadline = Date.now() + settings.flowWaitMs;
  let current = order;
  let asked = false;
  while (!isFinal(current.status) && Date.now() < deadline) {
    if (current.status === 'HOLDING' && current.taskToken && !asked) {
      try {
        await submitBuyerAction(store, deps.workflow, {
          orderId: current.orderId,
          buyerId: current.buyerId,
          action: { action: 'cancel' },
        });
        asked = true;
        tally.cancelledThroughFlow.add(current.orderId);
      } catch (error) {
        // A domain refusal: the buyer paid or changed seats first, or the hold timed out — the
        // flow goes on; watch it. Anything else (the Step Functions API failed): ask again on the
        // next look, until the wait runs out and the order is compensated instead.
        if (!(error instanceof DomainError))
          logger.warn('Reset: cancel through the flow failed', { orderId: current.orderId, error: String(error) });
      }
    }
    await sleep(settings.pollMs);
    current = await getOrder(store, current.orderId);
    if (current.status === 'HOLDING' && current.taskToken) asked = false; // waiting again (a change of seats ran): ask again
  }
  if (!isFinal(current.status)) {
    if (await deps.executions.stop(current.orderId, RESET_REASON)) tally.stoppedExecutions++;
    const result = await compensateOrder(store, deps.processor, {
      orderId: current.orderId,
      status: 'CANCELLED',
      reason: RESET_REASON,
    });
    tally.releasedSeats += result.releasedSeatIds.length;
    tally.voidedTickets += result.voidedTicketIds.length;
    if (result.refundedChargeIds.length > 0) tally.refundedOrders.add(current.orderId);
    current = await getOrder(store, current.orderId);
  }
  if (
    current.status === 'CANCELLED' &&
    current.failureReason === BUYER_CANCEL_REASON &&
    tally.cancelledThroughFlow.has(current.orderId)
  ) {
    current = await updateOrder(store, current.orderId, {
      set: { failureReason: RESET_REASON },
      from: ['CANCELLED'],
      expect: { failureReason: BUYER_CANCEL_REASON },
    }).catch(() => current);
  }
  return current;
}

/**
 * An ended order after the reset: without tickets, without money, without seats. A CONFIRMED
 * order is first ended (from that write on its tickets no longer verify: the check wants the
 * order CONFIRMED), then compensated like any other, which voids its ticket items.
 */
async function settleEnded(deps: ResetDeps, order: OrderRecord, tally: Tally): Promise<void> {
  const { store } = deps;
  if (order.status === 'CONFIRMED') {
    try {
      await updateOrder(store, order.orderId, {
        set: {
          status: 'CANCELLED',
          failureReason: `${RESET_REASON}; payment refunded, tickets void`,
        },
        from: ['CONFIRMED'],
      });
    } catch (error) {
      if (!(error instanceof OrderStateConflict)) throw error; // another reset pass did it
    }
  }
  const result = await compensateOrder(store, deps.processor, {
    orderId: order.orderId,
    status: 'CANCELLED',
    reason: RESET_REASON,
  });
  tally.releasedSeats += result.releasedSeatIds.length;
  tally.voidedTickets += result.voidedTicketIds.length;
  const refunded = [...result.refundedChargeIds, ...(await refundLedger(deps, order.orderId))];
  if (refunded.length > 0) tally.refundedOrders.add(order.orderId);
}

/**
 * Whatever the ledger still holds CHARGED for an ended order, refunded. compensateOrder finds
 * charges by the keys of the order's pay requests; the ledger's `byOrder` index is the ground
 * truth the audit reads, so the reset settles against it too (a charge under any other key —
 * an older key scheme, a stray retry — is refunded as well).
 */
async function refundLedger(deps: ResetDeps, orderId: string): Promise<string[]> {
  const refunded: string[] = [];
  for (const entry of await ledgerOfOrder(deps.store, orderId)) {
    if (entry.outcome !== 'CHARGED' || !entry.chargeId) continue;
    await deps.processor.refund(entry.chargeId);
    refunded.push(entry.chargeId);
  }
  return refunded;
}

/**
 * Seats still taken after the orders were settled. Each is freed only under the condition that
 * it is still taken by an order that has ended without tickets and has no charge left; anything
 * else (an order open or confirmed meanwhile) is left for the next pass, never overwritten.
 */
async function sweepSeats(deps: ResetDeps, eventId: string): Promise<{ released: number; waitingFor: Set<string> }> {
  const { store } = deps;
  const taken = (await readSeats(store, eventId, { consistent: true })).filter((s) => s.status !== 'AVAILABLE');
  const waitingFor = new Set<string>();
  let released = 0;
  await forEachLimited(taken, 16, async (seat) => {
    if (!seat.orderId) {
      logger.warn('Reset: a taken seat without an order is left alone', { eventId, seatId: seat.seatId });
      return;
    }
    const order = await findOrder(store, seat.orderId);
    if (!order) {
      // Held by a create that never wrote its order: free once its hold lapsed (it frees itself).
      if (
        seat.status === 'HELD' &&
        (seat.holdExpiresAt ?? 0) < store.now() &&
        (await freeSeat(store, seat, { lapsedOnly: true }))
      )
        released++;
      return;
    }
    if (!isFinal(order.status) || order.status === 'CONFIRMED') {
      waitingFor.add(order.orderId);
      return;
    }
    const charged = (await ledgerOfOrder(store, order.orderId)).some((e) => e.outcome === 'CHARGED');
    if (charged) {
      waitingFor.add(order.orderId);
      return;
    }
    if (await freeSeat(store, seat)) released++;
  });
  return { released, waitingFor };
}

/** AVAILABLE only if the seat is still HELD or SOLD by the same order; false when it changed. */
async function freeSeat(store: Store, seat: SeatItem, options: { lapsedOnly?: boolean } = {}): Promise<boolean> {
  try {
    await store.doc.send(
      new UpdateCommand({
        TableName: store.tables.seats,
        Key: { eventId: seat.eventId, seatId: seat.seatId },
        UpdateExpression:
          'SET #status = :available, updatedAt = :now REMOVE orderId, holdExpiresAt, soldAt ADD version :one',
        ConditionExpression: options.lapsedOnly
          ? '#status = :held AND orderId = :orderId AND holdExpiresAt < :now'
          : '#status IN (:held, :sold) AND orderId = :orderId',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':available': 'AVAILABLE',
          ':held': 'HELD',
          ...(options.lapsedOnly ? {} : { ':sold': 'SOLD' }),
          ':orderId': seat.orderId,
          ':now': store.now(),
          ':one': 1,
        },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/**
 * PAUSED from ON_SALE (or PAUSED already: a rerun of an interrupted reset); back to ON_SALE from
 * PAUSED. An event still SETTING_UP is refused: it has no sale to reset.
 */
async function setSaleStatus(store: Store, eventId: string, status: 'PAUSED' | 'ON_SALE'): Promise<void> {
  try {
    await store.doc.send(
      new UpdateCommand({
        TableName: store.tables.events,
        Key: { eventId },
        UpdateExpression: 'SET #status = :to',
        ConditionExpression: '#status IN (:onSale, :paused)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':to': status, ':onSale': 'ON_SALE', ':paused': 'PAUSED' },
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException)
      throw new Error(`Event ${eventId} is not on sale (still being set up?): nothing to reset`);
    throw error;
  }
  // This process's buyers (the local stack shares the store) see the pause at once; elsewhere
  // within a second (events/event-memo.ts).
  forgetEvent(store, eventId);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
