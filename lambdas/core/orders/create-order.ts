import { randomUUID } from 'node:crypto';
import { type EventRecord, getEvent } from '../events/event-records';
import { priceOf } from '../events/prices';
import { Forbidden } from '../platform/errors';
import { logger } from '../platform/logger';
import type { Store } from '../platform/store';
import { isThrottle, retryThrottled } from '../platform/throttling';
import type { Availability } from '../seats/availability';
import { holdForOrder, type SeatSelection } from '../seats/order-holds';
import { listOrder } from './buyer-orders';
import type { OrderRecord } from './order-record';
import { putNewOrder } from './order-store';
import { type OrderFlowInput, type OrderWorkflow, waitSecondsUntil } from './order-workflow';

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
  /** The claim of the buyer's pointer already listed the order id (buyer-orders.ts); else the create lists it. */
  readonly listed?: boolean;
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
  // Listed before it is written: an order never exists unlisted (reports, audits and resets find
  // an event's orders only by the buyers' lists); a listed id without an order is skipped.
  if (!prior.listed) await listOrder(store, { eventId: event.eventId, buyerId: request.buyerId }, orderId);
  const now = store.now();
  const order = await putNewOrder(store, {
    orderId,
    eventId: event.eventId,
    buyerId: request.buyerId,
    status: 'HOLDING',
    seatIds: hold.seatIds,
    holdExpiresAt: hold.holdExpiresAt,
    amountCents: priceOf(event, hold.seatIds),
    currency: event.currency,
    payment: { status: 'idle', round: 0, attempt: 0 },
    createdAt: now,
    updatedAt: now,
    version: 1,
  });
  if (order.buyerId !== request.buyerId) throw new Forbidden('That order id belongs to someone else');
  // Nothing is written back after the start: the execution is named after the order, so its ARN
  // is derived from the order id wherever it is needed (one order write fewer per order).
  await startFlow(store, workflow, {
    orderId,
    eventId: event.eventId,
    hold: { waitSeconds: waitSecondsUntil(order.holdExpiresAt, store.now()) },
  });
  return order;
}

/**
 * StartExecution past the SDK's own retries: a drop admits thousands of buyers at once, and the
 * account's StartExecution bucket (1,300, then 300/s in the largest regions) throttles the rest.
 * Throttles are retried with full jitter for a few seconds; if the bucket is still empty the order
 * stands without its flow (seats held, status HOLDING) and the buyer gets it: the reconciler starts
 * a never-started flow within a minute (`startFlow` in reconcile/plan.ts), and a retried create
 * starts it at once (open-order.ts). Undefined when deferred. Any other error fails the create.
 */
export const FLOW_START_RETRY = { attempts: 5, baseMs: 200, capMs: 2_000 } as const;

async function startFlow(store: Store, workflow: OrderWorkflow, input: OrderFlowInput): Promise<string | undefined> {
  try {
    return await retryThrottled(() => workflow.start(input), { ...FLOW_START_RETRY, random: store.random });
  } catch (error) {
    if (!isThrottle(error)) throw error;
    logger.warn('Flow start deferred: StartExecution throttled; the reconciler starts it', {
      orderId: input.orderId,
      eventId: input.eventId,
      error: error as Error,
    });
    return undefined;
  }
}
