import { getEvent, listEvents } from '../events/event-records';
import type { Executions } from '../orders/executions';
import { isFinal, type OrderRecord } from '../orders/order-record';
import { getOrder, updateOrder } from '../orders/order-store';
import { type OrderWorkflow, waitSecondsUntil } from '../orders/order-workflow';
import { compensateOrder, refundCharges } from '../orders/settlement';
import { completeOrder, confirmOrderSeats, issueTickets, SeatsLost } from '../orders/steps/fulfilment-steps';
import type { PaymentProcessor } from '../payments/processor';
import { logger } from '../platform/logger';
import type { Store } from '../platform/store';
import { refundTicket } from '../refunds/refund-ticket';
import { releaseSlot } from '../waiting-room/admission';
import { moveWaitingRoom } from '../waiting-room/room-timer';
import { activeWaitingRoom } from '../waiting-room/settings';
import { planReconcile, type ReconcileAction, type ReconcilePlan } from './plan';

/**
 * The reconciler: finishes whatever the order flows left unfinished — the safety net under every
 * fault the flows' own Retry/Catch and the execution-ended rule did not cover (a flow never
 * started, a Lambda that died between two writes, a lost stream record). The same code runs every
 * minute on AWS (EventBridge schedule) and on a timer in the local stack; every action is
 * idempotent, so two runs racing each other, or a flow finishing meanwhile, do no harm.
 */

export interface ReconcilerDeps {
  readonly store: Store;
  readonly executions: Executions;
  readonly workflow: OrderWorkflow;
  readonly processor: PaymentProcessor;
  /** The key that signs tickets, for a paid order the reconciler confirms. */
  readonly ticketSigningKey: () => Promise<string>;
}

export interface ActionOutcome {
  readonly action: ReconcileAction;
  /** What happened, in plain words ("confirmed", "expired, 2 seats freed", "failed: …"). */
  readonly result: string;
  readonly ok: boolean;
}

export interface ReconcileReport {
  readonly plan: ReconcilePlan;
  readonly outcomes: readonly ActionOutcome[];
}

/** Who finished a refund, in its logs (the ticket keeps the operator who started it). */
const RECONCILER_OPERATOR = 'reconciler';

const STOP_CAUSE = 'Stopped by the reconciler: the order was past its deadline';

export async function reconcile(deps: ReconcilerDeps, options: { now?: number } = {}): Promise<ReconcileReport> {
  const plan = await planReconcile(deps.store, deps.executions, options);
  const outcomes: ActionOutcome[] = [];
  for (const action of plan.actions) {
    try {
      const result = await carryOut(deps, action);
      outcomes.push({ action, result, ok: true });
      logger.warn('Reconciler finished what was left open', {
        ...ids(action),
        kind: action.kind,
        why: action.why,
        result,
      });
    } catch (error) {
      // One order that cannot be finished now must not keep the others waiting; the next run retries it.
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      outcomes.push({ action, result: `failed: ${message}`, ok: false });
      logger.error('Reconciler could not finish an action', {
        ...ids(action),
        kind: action.kind,
        why: action.why,
        error: message,
      });
    }
  }
  for (const note of plan.notes) logger.error('Reconciler needs an operator', { note });
  await moveWaitingRooms(deps.store);
  return { plan, outcomes };
}

/**
 * The waiting rooms' timer: a fair start due is drawn and every line moves along, even with no
 * buyer reading and no order ending (issue #12). One room that fails does not stop the others.
 */
async function moveWaitingRooms(store: Store): Promise<void> {
  const events = (await listEvents(store)).filter((event) => activeWaitingRoom(event));
  for (const event of events) {
    await moveWaitingRoom(store, event).catch((error: unknown) =>
      logger.error('Reconciler could not move a waiting room', {
        eventId: event.eventId,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      }),
    );
  }
}

async function carryOut(deps: ReconcilerDeps, action: ReconcileAction): Promise<string> {
  switch (action.kind) {
    case 'startFlow':
      return startFlow(deps, action.orderId);
    case 'finishOrder': {
      // The order first, then its overdue flow: the execution-ended rule the stop sets off then
      // finds the order already ended and only re-checks its money.
      const result = await finishOrder(deps, action.orderId, action.status, action.why);
      if (action.stopFlow) await deps.executions.stop(action.orderId, STOP_CAUSE);
      return result;
    }
    case 'settleOrder':
      return settleOrder(deps, action.orderId, action.why);
    case 'finishTicketRefund':
      return finishTicketRefund(deps, action);
    case 'stopFlow':
      return (await deps.executions.stop(action.orderId, 'Stopped by the reconciler: its order has ended'))
        ? 'flow stopped'
        : 'flow had ended';
    case 'freeSlot': {
      const settings = activeWaitingRoom(await getEvent(deps.store, action.eventId));
      if (!settings) return 'no waiting room';
      await releaseSlot(deps.store, action.eventId, settings, action);
      return 'slot freed';
    }
  }
}

/** Same name as the order: if a start did happen meanwhile, this one is harmless. */
async function startFlow(deps: ReconcilerDeps, orderId: string): Promise<string> {
  const order = await getOrder(deps.store, orderId);
  if (order.status !== 'HOLDING') return `left alone: it is ${order.status}`;
  await deps.workflow.start({
    orderId,
    eventId: order.eventId,
    hold: { waitSeconds: waitSecondsUntil(order.holdExpiresAt, deps.store.now()) },
  });
  return 'flow started';
}

/**
 * An order whose flow is gone (or was stopped for being overdue): a payment that went through is
 * completed — the buyer paid with time on the clock — anything else ends without tickets, refunded.
 */
async function finishOrder(
  deps: ReconcilerDeps,
  orderId: string,
  status: 'EXPIRED' | 'FAILED',
  why: string,
): Promise<string> {
  const order = await getOrder(deps.store, orderId);
  if (!isFinal(order.status)) {
    const chargeId = order.status === 'PAYING' ? await keptCharge(deps, order) : undefined;
    if (chargeId) {
      try {
        await completePaidOrder(deps, order);
        return 'paid: confirmed and ticketed';
      } catch (error) {
        if (!(error instanceof SeatsLost)) throw error;
        const done = await compensateOrder(deps.store, deps.processor, {
          orderId,
          status: 'FAILED',
          reason: `Refunded: ${error.message}`,
        });
        return `paid but ${error.message}: refunded (${done.refundedChargeIds.length})`;
      }
    }
  }
  const reason =
    status === 'EXPIRED'
      ? 'The hold expired before payment'
      : 'The payment could not be completed; any charge was refunded';
  const done = await compensateOrder(deps.store, deps.processor, { orderId, status, reason });
  return `${done.status.toLowerCase()} (${why}); ${done.releasedSeatIds.length} seat(s) freed, ${done.refundedChargeIds.length} charge(s) refunded`;
}

/** The charge of the order's current pay request, if the processor took it for the amount asked. */
async function keptCharge(deps: ReconcilerDeps, order: OrderRecord): Promise<string | undefined> {
  if (order.payment.chargeId) return order.payment.chargeId;
  const intent = order.payment.intent;
  if (!intent) return undefined;
  const found = await deps.processor.lookup(intent.key);
  if (found.status !== 'CHARGED' || found.amountCents !== intent.amountCents || !found.chargeId) return undefined;
  await updateOrder(deps.store, order.orderId, {
    set: { 'payment.chargeId': found.chargeId, 'payment.status': 'succeeded' },
    from: ['PAYING'],
    expect: { uncharged: true, intentKey: intent.key },
  });
  return found.chargeId;
}

/** The flow's own fulfilment steps, in its order; each is idempotent. Confirmations are not sent. */
async function completePaidOrder(deps: ReconcilerDeps, order: OrderRecord): Promise<void> {
  await confirmOrderSeats(deps.store, { orderId: order.orderId });
  await issueTickets(deps.store, await deps.ticketSigningKey(), { orderId: order.orderId });
  await completeOrder(deps.store, deps.processor, { orderId: order.orderId, notifications: [] }); // refunds any other round's charge
}

/** The operator's refund again: each of its steps is safe to repeat, the money given back once. */
async function finishTicketRefund(
  deps: ReconcilerDeps,
  action: { orderId: string; ticketId: string },
): Promise<string> {
  const done = await refundTicket(deps.store, deps.processor, {
    orderId: action.orderId,
    ticketId: action.ticketId,
    operatorId: RECONCILER_OPERATOR,
  });
  const seat = done.releasedSeatId ? `seat ${done.releasedSeatId} freed` : 'seat already free';
  const order = done.orderRefund ? '; the order refunded (its last ticket)' : '';
  return `ticket refund finished: ${seat}, payment ${done.payment.outcome}${order}`;
}

async function settleOrder(deps: ReconcilerDeps, orderId: string, why: string): Promise<string> {
  const order = await getOrder(deps.store, orderId);
  if (order.status === 'CONFIRMED') {
    const refunded = await refundCharges(deps.processor, order, order.payment.chargeId);
    return `kept ${order.payment.chargeId}; refunded ${refunded.length} other charge(s)`;
  }
  const done = await compensateOrder(deps.store, deps.processor, { orderId, status: 'FAILED', reason: why });
  return `${done.releasedSeatIds.length} seat(s) freed, ${done.refundedChargeIds.length} charge(s) refunded`;
}

/** One line per action: what a run reports (the handler's answer, `npm run reconcile`). */
export interface ReconcileSummary {
  readonly actions: number;
  readonly failed: number;
  readonly outcomes: readonly {
    readonly kind: string;
    readonly orderId: string;
    readonly result: string;
    readonly why: string;
  }[];
  readonly notes: readonly string[];
}

export function summarize(report: ReconcileReport): ReconcileSummary {
  return {
    actions: report.outcomes.length,
    failed: report.outcomes.filter((o) => !o.ok).length,
    outcomes: report.outcomes.map((o) => ({
      kind: o.action.kind,
      orderId: o.action.orderId,
      result: o.result,
      why: o.action.why,
    })),
    notes: report.plan.notes,
  };
}

function ids(action: ReconcileAction): { orderId: string; eventId?: string } {
  return 'eventId' in action ? { orderId: action.orderId, eventId: action.eventId } : { orderId: action.orderId };
}
