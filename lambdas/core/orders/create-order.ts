import { randomUUID } from 'node:crypto';
import { type EventRecord, getEvent } from '../events/event-records';
import { Forbidden } from '../platform/errors';
import type { Store } from '../platform/store';
import type { Availability } from '../seats/availability';
import { holdForOrder, type SeatSelection } from '../seats/order-holds';
import type { OrderRecord } from './order-record';
import { putNewOrder, updateOrder } from './order-store';
import { type OrderWorkflow, waitSecondsUntil } from './order-workflow';

/** A buyer creates an order by holding seats: the hold, the order record and its flow. */

export interface CreateOrderRequest {
  readonly eventId: string;
  readonly buyerId: string;
  readonly selection: SeatSelection;
  /** Lets a client retry a create safely: the same id gives the same order. */
  readonly orderId?: string;
}

/** What the caller already read, so the create path reads the event and the summary once. */
export interface CreateOrderPriorReads {
  readonly event?: EventRecord;
  readonly availability?: Availability;
  /** The order id was just claimed and can hold nothing yet (see HoldOptions.newOrder). */
  readonly newOrder?: boolean;
}

/**
 * Holds the seats, writes the order and starts its flow. Each step is idempotent for the same
 * order id, so a retried request finishes what a failed one began; if it is never retried, the
 * hold simply lapses and the seats are free again.
 */
export async function createOrder(
  store: Store,
  workflow: OrderWorkflow,
  request: CreateOrderRequest,
  prior: CreateOrderPriorReads = {},
): Promise<OrderRecord> {
  const event = prior.event?.eventId === request.eventId ? prior.event : await getEvent(store, request.eventId);
  const orderId = request.orderId ?? `ord_${randomUUID()}`;
  const hold = await holdForOrder(store, event, orderId, request.selection, {
    availability: prior.availability,
    newOrder: prior.newOrder,
  });
  const now = store.now();
  const order = await putNewOrder(store, {
    orderId,
    eventId: event.eventId,
    buyerId: request.buyerId,
    status: 'HOLDING',
    seatIds: hold.seatIds,
    holdExpiresAt: hold.holdExpiresAt,
    amountCents: event.priceCents * hold.seatIds.length,
    currency: event.currency,
    payment: { status: 'idle', round: 0, attempt: 0 },
    createdAt: now,
    updatedAt: now,
    version: 1,
  });
  if (order.buyerId !== request.buyerId) throw new Forbidden('That order id belongs to someone else');
  const executionArn = await workflow.start({
    orderId,
    eventId: event.eventId,
    hold: { waitSeconds: waitSecondsUntil(order.holdExpiresAt, store.now()) },
  });
  return order.executionArn
    ? order
    : updateOrder(store, orderId, { set: { executionArn }, from: ['HOLDING', 'PAYING'] });
}
