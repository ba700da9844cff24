import {
  type DashboardAttention,
  type DashboardView,
  type DashboardWaitingRoom,
  MAX_ATTENTION,
  SALES_MINUTES,
} from '../../../contract/dashboard-view';
import type { SeatMapSnapshot } from '../../../contract/live-messages';
import type { OrderStatus } from '../../../contract/order-view';
import { type EventRecord, getEvent } from '../events/event-records';
import { ordersOfEvent } from '../events/event-report';
import { seatMapOf } from '../live/seat-map-snapshot';
import { failedAfterCharge, type OrderRecord } from '../orders/order-record';
import type { Store } from '../platform/store';
import { deadlineOf, isOverdue } from '../reconcile/overdue';
import { REFUND_REASON } from '../refunds/refund-order';
import { type OperatorWaitingRoomStatus, operatorWaitingRoomStatus } from '../waiting-room/operator-status';
import { activeWaitingRoom } from '../waiting-room/settings';

/**
 * The organizer's live dashboard of one event: figures aggregated from what is read anyway, never
 * from the seat items. One read costs: the event (GetItem), the live seat map (one GetItem: free /
 * held / sold), the orders (the Query of the event's `buyers` partition that lists them,
 * orders/buyer-orders.ts, then the orders by key: BatchGetItem, 100 a request, strongly
 * consistent, one read unit per order — the one part that grows with the event's orders), and
 * for an event with a waiting room the operator queue view (the room item, its position counters
 * and one page of one place). `dashboardOf` is the pure part.
 */

const MINUTE_MS = 60_000;

const ORDER_STATUSES: readonly OrderStatus[] = ['HOLDING', 'PAYING', 'CONFIRMED', 'EXPIRED', 'CANCELLED', 'FAILED'];

export interface DashboardInput {
  readonly event: Pick<EventRecord, 'eventId' | 'name' | 'currency' | 'seatCount'>;
  readonly map: Pick<SeatMapSnapshot, 'states' | 'holds' | 'version'>;
  readonly orders: readonly OrderRecord[];
  readonly room?: Pick<
    OperatorWaitingRoomStatus,
    'waitingCount' | 'servingPosition' | 'activePurchasers' | 'admittedCount' | 'issuedPositions' | 'soldOut'
  >;
  readonly now: number;
}

/** A confirmed order an operator refunded: it left CONFIRMED for CANCELLED with the refund's reason. */
export function isRefunded(order: Pick<OrderRecord, 'status' | 'failureReason'>): boolean {
  return order.status === 'CANCELLED' && order.failureReason?.startsWith(REFUND_REASON) === true;
}

export function dashboardOf(input: DashboardInput): DashboardView {
  const { event, orders, now } = input;
  const ordersByStatus = Object.fromEntries(ORDER_STATUSES.map((status) => [status, 0])) as Record<OrderStatus, number>;
  let grossCents = 0;
  let refundedCents = 0;
  let approved = 0;
  let declined = 0;
  let retrying = 0;
  const startsAt = Math.floor(now / MINUTE_MS) * MINUTE_MS - (SALES_MINUTES - 1) * MINUTE_MS;
  const tickets = new Array<number>(SALES_MINUTES).fill(0);
  const attention: DashboardAttention[] = [];

  for (const order of orders) {
    ordersByStatus[order.status]++;
    if (order.status === 'CONFIRMED') {
      grossCents += order.amountCents;
      // The confirmation is the order's last status change; later writes (its notifications)
      // follow within seconds, so `updatedAt` places it in its minute.
      const minute = Math.floor((order.updatedAt - startsAt) / MINUTE_MS);
      if (minute >= 0 && minute < SALES_MINUTES) tickets[minute]! += order.seatIds.length;
    } else if (isRefunded(order)) {
      grossCents += order.amountCents;
      refundedCents += order.amountCents;
    }
    const { status: payment, round } = order.payment;
    if (payment === 'succeeded') approved++;
    declined += payment === 'failed' ? round : Math.max(0, round - 1);
    if (payment === 'retrying') retrying++;
    const reason = attentionReason(order, now);
    if (reason) attention.push({ orderId: order.orderId, status: order.status, reason, since: order.updatedAt });
  }
  attention.sort((a, b) => b.since - a.since);

  return {
    eventId: event.eventId,
    name: event.name,
    computedAt: now,
    seats: { ...seatCounts(input.map, now), total: event.seatCount, mapVersion: input.map.version },
    revenue: { grossCents, refundedCents, netCents: grossCents - refundedCents, currency: event.currency },
    ordersByStatus,
    payments: { approved, declined, retrying },
    ...(input.room ? { waitingRoom: waitingRoomFigures(input.room) } : {}),
    sales: { startsAt, minuteMs: MINUTE_MS, tickets },
    attention: attention.slice(0, MAX_ATTENTION),
    attentionCount: attention.length,
  };
}

/** Free / held / sold from the compact map; a lapsed hold is free, as everywhere. */
export function seatCounts(
  map: Pick<SeatMapSnapshot, 'states' | 'holds'>,
  now: number,
): { free: number; held: number; sold: number } {
  let free = 0;
  let held = 0;
  let sold = 0;
  for (let index = 0; index < map.states.length; index++) {
    const state = map.states[index];
    if (state === 'S') sold++;
    else if (state === 'H' && (map.holds[String(index)] ?? 0) >= now) held++;
    else free++;
  }
  return { free, held, sold };
}

/**
 * Why an order needs an operator, if it does: open past its deadline (the reconciler's rule: its
 * flow should have ended it and the reconciler will), or ended without tickets after a charge
 * was recorded (its refund is worth a look in its story).
 */
export function attentionReason(order: OrderRecord, now: number): string | undefined {
  if (isOverdue(order, now)) {
    const late = Math.round((now - deadlineOf(order)) / 1000);
    return `${order.status} ${late} s past its deadline: its flow should have ended it (the reconciler will)`;
  }
  if (failedAfterCharge(order))
    return `Failed after a charge: check its refund (${order.failureReason ?? 'no reason recorded'})`;
  return undefined;
}

function waitingRoomFigures(room: NonNullable<DashboardInput['room']>): DashboardWaitingRoom {
  return {
    waiting: room.waitingCount,
    servingPosition: room.servingPosition,
    active: room.activePurchasers,
    lapsed: Math.max(0, room.issuedPositions - room.admittedCount - room.waitingCount),
    admitted: room.admittedCount,
    soldOut: room.soldOut,
  };
}

/** The dashboard as it is now (see the cost above). EventNotFound for an id no event has. */
export async function readDashboard(store: Store, eventId: string): Promise<DashboardView> {
  const event = await getEvent(store, eventId);
  const [map, orders, room] = await Promise.all([
    seatMapOf(store, eventId),
    ordersOfEvent(store, eventId),
    // The operator view's figures; its waiting list is not shown, so one place is paged.
    activeWaitingRoom(event) ? operatorWaitingRoomStatus(store, event, { limit: 1 }) : Promise.resolve(undefined),
  ]);
  return dashboardOf({ event, map, orders, ...(room ? { room } : {}), now: store.now() });
}
