import { type ExecutionSummary, type Executions, orderIdOfExecution } from '../orders/executions';
import { isFinal, type OrderRecord, type OrderStatus } from '../orders/order-record';
import { findOrder } from '../orders/order-store';
import type { LedgerEntry } from '../payments/simulated-processor';
import { memo, scanAll } from '../platform/pages';
import type { Store } from '../platform/store';
import type { SeatItem } from '../seats/seat-item';
import type { WaitingRoomState } from '../waiting-room/room-state';
import { deadlineOf, OVERDUE_GRACE_MS } from './overdue';
import { findRefundedTickets, type RefundFacts, seatKey, unfinishedRefund } from './ticket-refunds';

export { OVERDUE_GRACE_MS } from './overdue';

/**
 * What the reconciler would do now: every order, seat, charge, execution and waiting-room slot
 * that should have ended and did not, with the action that finishes it. Pure decisions over one
 * read of the state (five scans and a list of running executions), so `npm run stuck` can show
 * the plan and `npm run reconcile` (or the schedule) carry it out.
 */

/** An order created this recently may still be starting its flow: leave it to its request. */
export const START_GRACE_MS = 15_000;

export type ReconcileAction =
  /** Open, within its hold, but no flow was ever started (StartExecution failed or was never called). */
  | { readonly kind: 'startFlow'; readonly orderId: string; readonly eventId: string; readonly why: string }
  /** Open and past its deadline, or its flow is gone: stop the flow if it runs, then confirm a charged payment or compensate. */
  | {
      readonly kind: 'finishOrder';
      readonly orderId: string;
      readonly eventId: string;
      readonly stopFlow: boolean;
      readonly status: EndStatus;
      readonly why: string;
    }
  /** Ended without tickets (or keeps another charge) but still has money or seats: compensate again. */
  | { readonly kind: 'settleOrder'; readonly orderId: string; readonly eventId: string; readonly why: string }
  /** A ticket refunded singly whose request died half-way (ticket-refunds.ts): the same refund again. */
  | {
      readonly kind: 'finishTicketRefund';
      readonly orderId: string;
      readonly eventId: string;
      readonly ticketId: string;
      readonly why: string;
    }
  /** A flow still running for an order that has ended. */
  | { readonly kind: 'stopFlow'; readonly orderId: string; readonly why: string }
  /** A waiting-room slot still bound to an order that ended. */
  | {
      readonly kind: 'freeSlot';
      readonly orderId: string;
      readonly eventId: string;
      readonly buyerId: string;
      readonly seatsFreed: boolean;
      readonly why: string;
    };

export type EndStatus = Extract<OrderStatus, 'EXPIRED' | 'FAILED'>;

export interface ReconcilePlan {
  readonly checkedAt: number;
  readonly actions: readonly ReconcileAction[];
  /** Things it cannot fix by itself, for an operator (e.g. a sold seat whose order is gone). */
  readonly notes: readonly string[];
}

export async function planReconcile(
  store: Store,
  executions: Executions,
  options: { now?: number } = {},
): Promise<ReconcilePlan> {
  const now = options.now ?? store.now();
  const [orders, seats, ledger, rooms, running, refundedTickets] = await Promise.all([
    findOpenOrders(store),
    scanAll<SeatItem>(store, {
      TableName: store.tables.seats,
      FilterExpression: '#status IN (:held, :sold)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':held': 'HELD', ':sold': 'SOLD' },
    }),
    scanAll<LedgerEntry>(store, {
      TableName: store.tables.payments,
      FilterExpression: 'outcome IN (:charged, :refund)',
      ExpressionAttributeValues: { ':charged': 'CHARGED', ':refund': 'REFUND' },
    }),
    scanAll<WaitingRoomState>(store, { TableName: store.tables.waitingRooms }),
    executions.running(),
    findRefundedTickets(store),
  ]);
  const charges = ledger.filter((entry) => entry.outcome === 'CHARGED');
  const actions = new Map<string, ReconcileAction>(); // one action per order (the first reason wins)
  const notes: string[] = [];
  const add = (key: string, action: ReconcileAction) => {
    if (!actions.has(key)) actions.set(key, action);
  };
  const runningByOrder = new Map(running.map((e) => [orderIdOfExecution(e.executionArn), e]));
  const orderOf = memo((orderId: string) => findOrder(store, orderId));

  for (const order of orders) {
    const action = await decideOpenOrder(order, runningByOrder.get(order.orderId), executions, now);
    if (action) add(order.orderId, action);
  }

  for (const seat of seats) {
    if (!seat.orderId) continue;
    if (seat.status === 'HELD' && (seat.holdExpiresAt ?? 0) > now - OVERDUE_GRACE_MS) continue; // a live hold
    const order = await orderOf(seat.orderId);
    if (!order) {
      if (seat.status === 'SOLD')
        notes.push(`Seat ${seat.eventId}/${seat.seatId} is sold to ${seat.orderId}, which does not exist`);
      continue; // a lapsed hold of no order is free for anyone already
    }
    if (isFinal(order.status) && order.status !== 'CONFIRMED') {
      add(order.orderId, {
        kind: 'settleOrder',
        orderId: order.orderId,
        eventId: order.eventId,
        why: `seat ${seat.seatId} still ${seat.status} by an order that is ${order.status}`,
      });
    }
  }

  for (const charge of charges) {
    const order = await orderOf(charge.orderId);
    if (!order) {
      notes.push(`Charge ${charge.chargeId ?? charge.idempotencyKey} belongs to no order`);
      continue;
    }
    const kept = order.status === 'CONFIRMED' && order.payment.chargeId === charge.chargeId;
    if (kept || !isFinal(order.status)) continue; // ticketed, or its order is still in progress
    add(order.orderId, {
      kind: 'settleOrder',
      orderId: order.orderId,
      eventId: order.eventId,
      why:
        order.status === 'CONFIRMED'
          ? `a second charge ${charge.chargeId} next to the one kept`
          : `charge ${charge.chargeId} kept by an order that is ${order.status}`,
    });
  }

  const facts = refundFacts(ledger, seats, refundedTickets);
  for (const ticket of refundedTickets) {
    const order = await orderOf(ticket.orderId);
    const why = order && unfinishedRefund(ticket, order, facts, now);
    if (!why) continue;
    add(`${ticket.ticketId}#refund`, {
      kind: 'finishTicketRefund',
      orderId: ticket.orderId,
      eventId: ticket.eventId,
      ticketId: ticket.ticketId,
      why,
    });
  }

  for (const [orderId, execution] of runningByOrder) {
    const order = await orderOf(orderId);
    if (order && !isFinal(order.status)) continue;
    add(`${orderId}#flow`, {
      kind: 'stopFlow',
      orderId,
      why: `its order is ${order?.status ?? 'gone'} (flow started ${execution.startDate?.toISOString() ?? '?'})`,
    });
  }

  for (const room of rooms) {
    for (const [buyerId, slot] of Object.entries(room.active ?? {})) {
      if (!slot.orderId) continue; // an admission not used yet lapses by itself
      const order = await orderOf(slot.orderId);
      if (order && !isFinal(order.status)) continue;
      // No order yet: its create request bound the slot first and may still be writing it (or
      // undoing the binding); only a slot past its safety deadline is left over.
      if (!order && slot.until > now) continue;
      add(`${slot.orderId}#slot`, {
        kind: 'freeSlot',
        orderId: slot.orderId,
        eventId: room.eventId,
        buyerId,
        seatsFreed: order?.status !== 'CONFIRMED',
        why: `its order is ${order?.status ?? 'gone'}`,
      });
    }
  }
  return { checkedAt: now, actions: [...actions.values()], notes };
}

function refundFacts(
  ledger: readonly LedgerEntry[],
  seats: readonly SeatItem[],
  refundedTickets: readonly { orderId: string }[],
): RefundFacts {
  const refundedPerOrder = new Map<string, number>();
  for (const { orderId } of refundedTickets) refundedPerOrder.set(orderId, (refundedPerOrder.get(orderId) ?? 0) + 1);
  return {
    refundKeys: new Set(ledger.filter((e) => e.outcome === 'REFUND').map((e) => e.idempotencyKey)),
    chargedIds: new Set(ledger.flatMap((e) => (e.outcome === 'CHARGED' && e.chargeId ? [e.chargeId] : []))),
    seatOwners: new Map(seats.flatMap((s) => (s.orderId ? [[seatKey(s.eventId, s.seatId), s.orderId] as const] : []))),
    refundedPerOrder,
  };
}

/** What an open order needs, if anything: its flow should be running and it should be within its deadline. */
async function decideOpenOrder(
  order: OrderRecord,
  running: ExecutionSummary | undefined,
  executions: Executions,
  now: number,
): Promise<ReconcileAction | undefined> {
  const deadline = deadlineOf(order);
  const overdue = now > deadline + OVERDUE_GRACE_MS;
  const base = { orderId: order.orderId, eventId: order.eventId };
  const status: EndStatus = order.status === 'PAYING' ? 'FAILED' : 'EXPIRED';
  if (running) {
    if (!overdue) return undefined; // its flow is on it
    return {
      kind: 'finishOrder',
      ...base,
      stopFlow: true,
      status,
      why: `${order.status} ${Math.round((now - deadline) / 1000)} s past its deadline with its flow still running`,
    };
  }
  const execution = await executions.describe(order.orderId);
  if (execution?.status === 'RUNNING') return undefined; // started after the list of running ones was read
  if (!execution && now < deadline) {
    if (now - order.createdAt < START_GRACE_MS) return undefined; // its create request may still be starting the flow
    if (order.status === 'HOLDING') return { kind: 'startFlow', ...base, why: 'its flow was never started' };
  }
  const flow = execution ? `its flow ended ${execution.status}` : 'it has no flow';
  return { kind: 'finishOrder', ...base, stopFlow: false, status, why: `${order.status}, but ${flow}` };
}

/** Orders not yet in a final status (a full scan: for the reconciler and operators, never the buy path). */
export function findOpenOrders(store: Store): Promise<OrderRecord[]> {
  return scanAll<OrderRecord>(store, {
    TableName: store.tables.orders,
    FilterExpression: '#status IN (:holding, :paying)',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':holding': 'HOLDING', ':paying': 'PAYING' },
  });
}
