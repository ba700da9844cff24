import type { OrderReport } from '../lambdas/core/orders/order-report';
import type { ReconcilePlan } from '../lambdas/core/reconcile/plan';
import type { ReconcileSummary } from '../lambdas/core/reconcile/reconciler';
import type { AuditReport } from './audit';
import type { ResetPlan, ResetResult } from './reset-event';
import type { StuckReport } from './stuck';
import type { WinnersReport } from './winners';

/** The operator commands' reports as lines for a terminal. */

const time = (ms: number) => new Date(ms).toISOString();

export function formatOrder(r: OrderReport): string[] {
  const o = r.order;
  return [
    `order ${o.orderId}  event ${o.eventId}  buyer ${o.buyerId}`,
    `status ${o.status}  seats ${o.seatIds.join(', ')}  hold until ${time(o.holdExpiresAt)}  payment ${o.payment.status} (round ${o.payment.round}, attempt ${o.payment.attempt})`,
    '',
    ...r.explanation.map((line) => `  ${line}`),
    '',
    r.execution
      ? `execution ${r.execution.executionArn}  ${r.execution.status}${r.currentState ? `, in ${r.currentState}` : ''}`
      : 'execution: none',
    ...r.timeline.map((line) => `  ${line}`),
  ];
}

export function formatStuck(r: StuckReport): string[] {
  if (r.orders.length + r.seats.length + r.executions.length === 0) {
    return ['Nothing stuck: no open order, held seat or running execution past its hold.', ...formatPlan(r.reconcile)];
  }
  return [
    `${r.orders.length} open order(s) past their hold:`,
    ...r.orders.map(
      (o) =>
        `  ${o.orderId}  ${o.status}  event ${o.eventId}  hold ended ${time(o.holdExpiresAt)}  execution ${o.execution}`,
    ),
    `${r.seats.length} seat(s) still HELD past their hold:`,
    ...r.seats.map(
      (s) =>
        `  ${s.eventId}/${s.seatId}  order ${s.orderId ?? '-'} (${s.orderStatus})  hold ended ${s.holdExpiresAt ? time(s.holdExpiresAt) : '?'}`,
    ),
    `${r.executions.length} execution(s) running for ended orders:`,
    ...r.executions.map((e) => `  ${e.executionArn}  order ${e.orderStatus}`),
    '',
    'Lapsed holds are free for other buyers already. `npm run order -- <orderId>` explains one order.',
    ...formatPlan(r.reconcile),
  ];
}

/** What the reconciler would do (it runs every minute; `npm run reconcile` runs it now). */
export function formatPlan(p: ReconcilePlan): string[] {
  if (p.actions.length + p.notes.length === 0) return ['The reconciler has nothing to do.'];
  return [
    '',
    `The reconciler would take ${p.actions.length} action(s) (\`npm run reconcile\` runs it now):`,
    ...p.actions.map((a) => `  ${a.kind.padEnd(12)} ${a.orderId}  ${a.why}`),
    ...p.notes.map((n) => `  needs an operator: ${n}`),
  ];
}

export function formatReconcile(r: ReconcileSummary): string[] {
  if (r.actions + r.notes.length === 0)
    return ['Nothing to reconcile: every order, seat, charge and flow is where it should be.'];
  return [
    `Reconciled ${r.actions} item(s), ${r.failed} failed:`,
    ...r.outcomes.map((o) => `  ${o.kind.padEnd(12)} ${o.orderId}  ${o.result}  (${o.why})`),
    ...r.notes.map((n) => `  needs an operator: ${n}`),
  ];
}

export function formatWinners(r: WinnersReport): string[] {
  return [
    `${r.eventId}: ${r.soldSeats} of ${r.seatCount} seats sold to ${r.buyers.length} buyer(s)`,
    ...r.buyers.map((b) => `  ${b.buyerId}  ${b.seatIds.join(', ')}  (${b.orderIds.join(', ')})`),
  ];
}

export function formatResetPlan(p: ResetPlan, target: string): string[] {
  return [
    `Resetting ${p.eventId} (${p.eventStatus}) on ${target} would:`,
    '  pause the sale (no new hold or change of seats), then:',
    `  end ${p.openOrders.length} open order(s) through their flow (cancel; a payment in progress is let finish)`,
    `  refund ${p.confirmedOrders.length} confirmed order(s) and void their tickets`,
    `  make ${p.heldSeats} held and ${p.soldSeats} sold seat(s) available again, each only once its order has ended and been refunded`,
    '  and put the event back on sale.',
    'Refused: run again with --yes to do it.',
  ];
}

export function formatReset(r: ResetResult): string[] {
  return [
    `Reset ${r.eventId} in ${r.passes} pass(es): ${r.cancelledThroughFlow.length} order(s) cancelled through their flow, ` +
      `${r.stoppedExecutions} execution(s) stopped, ${r.refundedOrders.length} order(s) refunded, ${r.voidedTickets} ticket(s) voided, ` +
      `${r.releasedSeats} seat(s) made available by the reset. The event is on sale again.`,
  ];
}

export function formatAudit(r: AuditReport, target: string): string[] {
  const m = r.money;
  const lines = [
    `Audit of ${r.eventId} on ${target}: ${r.clean ? 'CLEAN' : `${r.problems.length} PROBLEM(S)`}`,
    `  orders      ${r.orders} (${r.ordersInFlight} in flight)`,
    `  charges     ${m.charged}: ${m.ticketed} ticketed, ${m.refunded} refunded, ${m.inFlight} in flight, ${m.unaccounted} unaccounted; ${m.doubleCharged} order(s) charged twice`,
    `  seats       ${r.tickets} valid ticket(s), ${r.soldSeats} seat(s) SOLD, ${r.oversold} seat(s) with two tickets`,
  ];
  if (r.problems.length > 0) {
    lines.push('', 'Problems:');
    for (const p of r.problems) {
      const where = [
        p.orderId && `order ${p.orderId}`,
        p.seatId && `seat ${p.seatId}`,
        p.chargeId && `charge ${p.chargeId}`,
      ]
        .filter(Boolean)
        .join(', ');
      lines.push(`  ${p.kind.padEnd(24)} ${where ? `${where}: ` : ''}${p.detail}`);
    }
  }
  return lines;
}
