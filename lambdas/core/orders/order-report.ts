import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { OrderStory, StoryMoment } from '../../../contract/order-story';
import type { Store } from '../platform/store';
import type { TicketItem } from '../tickets/ticket-item';
import { mayHaveTickets, ticketsOfOrder } from '../tickets/ticket-store';
import type { ExecutionSummary, Executions } from './executions';
import type { OrderRecord } from './order-record';
import { getOrder } from './order-store';

/** An order's story, for `npm run order -- <orderId>` and the console's order page: the order, its execution, and in plain words why it ended or where it waits. */

export interface OrderReport {
  readonly order: OrderRecord;
  /** Its ticket items, VALID and VOIDED. */
  readonly tickets: readonly TicketItem[];
  readonly execution?: ExecutionSummary;
  /** The state the execution is in now (entered, not yet exited), if it runs. */
  readonly currentState?: string;
  /** One line per state entered, task failure, and the end. */
  readonly timeline: readonly string[];
  /** What an operator wants to know first. */
  readonly explanation: readonly string[];
}

export async function orderReport(
  store: Store,
  executions: Executions,
  orderId: string,
  now = store.now(),
): Promise<OrderReport> {
  const order = await getOrder(store, orderId, { consistent: true });
  const tickets = mayHaveTickets(order) ? await ticketsOfOrder(store, order) : [];
  const execution = await executions.describe(orderId);
  const history = execution ? await executions.history(orderId) : [];
  const currentState = execution?.status === 'RUNNING' ? openState(history) : undefined;
  return {
    order,
    tickets,
    ...(execution ? { execution } : {}),
    ...(currentState ? { currentState } : {}),
    timeline: timeline(history),
    explanation: explain(order, tickets, execution, currentState, now),
  };
}

function explain(
  order: OrderRecord,
  tickets: readonly TicketItem[],
  execution: ExecutionSummary | undefined,
  currentState: string | undefined,
  now: number,
): string[] {
  const lines: string[] = [];
  const hold =
    order.holdExpiresAt > now
      ? `hold ends in ${seconds(order.holdExpiresAt - now)}`
      : `hold expired ${seconds(now - order.holdExpiresAt)} ago`;
  switch (order.status) {
    case 'CONFIRMED': {
      const refunded = tickets.filter((t) => t.refundedAt !== undefined);
      const valid = tickets.filter((t) => t.state === 'VALID');
      lines.push(
        `Confirmed: ${valid.length} valid ticket(s) for ${(refunded.length > 0 ? valid.map((t) => t.seatId) : order.seatIds).join(', ')}.`,
      );
      if (refunded.length > 0)
        lines.push(`Refunded singly: ${refunded.map((t) => `${t.seatId} (${t.refundCents ?? 0} cents)`).join(', ')}.`);
      if (order.notifications)
        lines.push(`Confirmations: e-mail ${order.notifications.email ?? '?'}, SMS ${order.notifications.sms ?? '?'}.`);
      break;
    }
    case 'HOLDING':
      lines.push(`Holding ${order.seatIds.join(', ')}; ${hold}.`);
      if (currentState === 'WaitForBuyer')
        lines.push('The flow waits for the buyer to pay, change seats or cancel (WaitForBuyer).');
      if (order.payment.status === 'failed')
        lines.push(
          `The last payment failed (${order.payment.lastError ?? 'no reason recorded'}); the buyer may pay again.`,
        );
      if (order.lastChangeError) lines.push(`The last change of seats was refused: ${order.lastChangeError}`);
      break;
    case 'PAYING':
      lines.push(
        `Paying: round ${order.payment.round}, attempt ${order.payment.attempt} (${order.payment.status}); ${hold}.`,
      );
      if (order.payment.lastError) lines.push(`Last processor answer: ${order.payment.lastError}`);
      break;
    default:
      lines.push(`${order.status}: ${order.failureReason ?? 'no reason recorded'}`);
      if (order.payment.lastError) lines.push(`Last payment error: ${order.payment.lastError}`);
  }
  if (!execution) {
    lines.push('No execution of the order state machine exists for this order.');
    if (order.status === 'HOLDING' || order.status === 'PAYING') {
      lines.push(
        'Stuck: the order is open but its flow never started (or was lost). The reconciler starts it, or ends the order, within a minute; `npm run reconcile` does it now.',
      );
    }
  } else if (execution.status === 'RUNNING') {
    if (order.status !== 'HOLDING' && order.status !== 'PAYING')
      lines.push(
        `Inconsistent: the order ended (${order.status}) but its execution still runs (in ${currentState ?? '?'}).`,
      );
  } else {
    const why = execution.error ? ` with ${execution.error}${execution.cause ? `: ${execution.cause}` : ''}` : '';
    lines.push(`The execution ended ${execution.status}${why}.`);
    if (order.status === 'HOLDING' || order.status === 'PAYING') {
      lines.push(
        'Stuck: the order is open but its flow is gone. The reconciler finishes it within a minute (`npm run reconcile` does it now); seats free themselves when the hold lapses meanwhile.',
      );
    }
  }
  return lines;
}

/** The last state entered and not exited. */
function openState(history: readonly HistoryEvent[]): string | undefined {
  const open: string[] = [];
  for (const event of history) {
    const entered = event.stateEnteredEventDetails?.name;
    const exited = event.stateExitedEventDetails?.name;
    if (entered) open.push(entered);
    if (exited) open.splice(open.lastIndexOf(exited), 1);
  }
  return open.at(-1);
}

function timeline(history: readonly HistoryEvent[]): string[] {
  const start = history[0]?.timestamp?.getTime() ?? 0;
  return history.flatMap((event) => {
    const at = `+${((event.timestamp?.getTime() ?? start) - start) / 1000}s`.padEnd(9);
    const failure =
      event.taskFailedEventDetails ??
      event.taskTimedOutEventDetails ??
      event.lambdaFunctionFailedEventDetails ??
      event.executionFailedEventDetails ??
      event.executionAbortedEventDetails ??
      event.executionTimedOutEventDetails;
    if (event.stateEnteredEventDetails) return [`${at} ${event.stateEnteredEventDetails.name}`];
    if (failure) return [`${at} ${event.type}: ${failure.error ?? ''}${failure.cause ? ` — ${failure.cause}` : ''}`];
    if (event.type === 'ExecutionSucceeded') return [`${at} ExecutionSucceeded`];
    return [];
  });
}

function seconds(ms: number): string {
  return ms >= 120_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`;
}

/** The report as the console's order page shows it: dated, in plain words, without secrets. */
export function orderStory(report: OrderReport): OrderStory {
  const { order, tickets, execution, currentState } = report;
  return {
    orderId: order.orderId,
    eventId: order.eventId,
    buyerId: order.buyerId,
    status: order.status,
    seatIds: order.seatIds,
    amountCents: order.amountCents,
    currency: order.currency,
    paymentStatus: order.payment.status,
    ...(order.failureReason === undefined ? {} : { failureReason: order.failureReason }),
    tickets: tickets.map((t) => ({
      ticketId: t.ticketId,
      seatId: t.seatId,
      state: t.state,
      ...(t.checkedInAt === undefined ? {} : { checkedInAt: t.checkedInAt }),
      ...(t.checkedInBy === undefined ? {} : { checkedInBy: t.checkedInBy }),
      ...(t.refundedAt === undefined ? {} : { refundedAt: t.refundedAt, refundCents: t.refundCents ?? 0 }),
    })),
    ...(execution
      ? {
          execution: {
            status: execution.status,
            ...(execution.startDate ? { startedAt: execution.startDate.getTime() } : {}),
            ...(execution.stopDate ? { stoppedAt: execution.stopDate.getTime() } : {}),
            ...(execution.error ? { error: execution.error } : {}),
            ...(execution.cause ? { cause: execution.cause } : {}),
            ...(currentState ? { waitsIn: currentState } : {}),
          },
        }
      : {}),
    explanation: report.explanation,
    moments: moments(report),
    steps: report.timeline,
  };
}

/** What the order item and its ticket items date: the rest of the story is in the execution's history. */
function moments({ order, tickets, execution }: OrderReport): StoryMoment[] {
  const list: StoryMoment[] = [{ at: order.createdAt, what: `Order placed for ${order.seatIds.join(', ')}` }];
  if (execution?.startDate) list.push({ at: execution.startDate.getTime(), what: 'Order flow started' });
  if (order.status === 'HOLDING' || order.status === 'PAYING')
    list.push({ at: order.holdExpiresAt, what: 'Hold ends (seats go back on sale unless paid)' });
  for (const t of tickets) {
    list.push({ at: t.issuedAt, what: `Ticket ${t.ticketId} issued for seat ${t.seatId}` });
    if (t.checkedInAt !== undefined)
      list.push({ at: t.checkedInAt, what: `Ticket for ${t.seatId} checked in at ${t.checkedInBy ?? 'a door'}` });
    if (t.refundedAt !== undefined)
      list.push({
        at: t.refundedAt,
        what: `Ticket for ${t.seatId} refunded singly (${t.refundCents ?? 0} cents back) and voided; seat back on sale`,
      });
    else if (t.voidedAt !== undefined) list.push({ at: t.voidedAt, what: `Ticket for ${t.seatId} voided` });
  }
  if (execution?.stopDate)
    list.push({
      at: execution.stopDate.getTime(),
      what: `Order flow ended ${execution.status}${execution.error ? ` (${execution.error})` : ''}`,
    });
  list.push({
    at: order.updatedAt,
    what: `Last change: now ${order.status}${order.failureReason ? ` — ${order.failureReason}` : ''}`,
  });
  return list.sort((a, b) => a.at - b.at);
}
