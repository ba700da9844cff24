import { randomUUID } from 'node:crypto';
import { recentEvent } from '../events/event-memo';
import type { EventRecord } from '../events/event-records';
import { OrderStateConflict, SoldOut } from '../platform/errors';
import { logger } from '../platform/logger';
import type { Store } from '../platform/store';
import type { Availability } from '../seats/availability';
import { checkSelection, type SeatSelection } from '../seats/order-holds';
import { recentTakesOf } from '../seats/recent-takes';
import { seatsLeft } from '../seats/seats-left';
import { type CreateOrderPriorReads, type CreateOrderRequest, createOrder } from './create-order';
import type { BuyerKey, OpenOrderRepository } from './open-order-repository';
import { openOrderRepository } from './open-order-store';
import type { OrderRecord } from './order-record';
import type { OrderRepository } from './order-repository';
import { orderRepository } from './order-store';
import { type OrderWorkflow, waitSecondsUntil } from './order-workflow';

/**
 * One open order per buyer per event. The buyer's item in the `buyers` table points at their
 * open order (`openOrderId`); a new order is only created after claiming that pointer with a
 * conditional write, so two concurrent creates by one buyer (double click, retry, two tabs)
 * make one order: the loser answers with the winner's order.
 */

export interface OpenOrderRequest {
  readonly eventId: string;
  readonly buyerId: string;
  readonly selection: SeatSelection;
  /**
   * A gate a new order must pass first (the waiting room's admission). It returns the undo for
   * an order that could not be created after all.
   */
  readonly admit?: (event: EventRecord, orderId: string) => Promise<(reason: unknown) => Promise<void>>;
  /**
   * Told of a `SoldOut` answered from the availability summary before any claim (the waiting
   * room ends the buyer's admission when nothing is left).
   */
  readonly soldOut?: (event: EventRecord, refusal: SoldOut) => Promise<void>;
}

export interface OpenOrderResult {
  readonly order: OrderRecord;
  /** False when the buyer's open order already existed (returned unchanged). */
  readonly created: boolean;
}

/** How long a request waits for the order another request of the same buyer claimed to appear. */
const CLAIM_WAIT_MS = 8000;
/**
 * Each round ends with a result or with a claim lost to a newer one; a few suffice. One more than
 * when the pointer was read first: a buyer who has a pointer spends the first round learning it.
 */
const MAX_ROUNDS = 6;

/**
 * What the open-order rules need: the orders, the buyers' pointers, the flow, the event and how
 * a new order is created (seats held, record written, flow started). `openOrderDeps(store, workflow)`
 * builds them on DynamoDB; unit tests pass in-memory fakes.
 */
export interface OpenOrderDeps {
  readonly orders: Pick<OrderRepository, 'find' | 'update'>;
  readonly openOrders: OpenOrderRepository;
  readonly workflow: OrderWorkflow;
  /** The event (on DynamoDB: read at most once a second per container, events/event-memo.ts). */
  readonly getEvent: (eventId: string) => Promise<EventRecord>;
  readonly createOrder: (request: Required<CreateOrderRequest>, prior?: CreateOrderPriorReads) => Promise<OrderRecord>;
  /**
   * The event's free seats (undefined: the event has no summary; the seat map decides). On
   * DynamoDB the availability summary, read at most once a second per container, without the
   * seats the container has just seen held (seats/seats-left.ts).
   */
  readonly availability?: (eventId: string) => Promise<Availability | undefined>;
  /** Seats whose holds this container is writing right now (seats/recent-takes.ts); none when absent. */
  readonly beingHeld?: (eventId: string) => ReadonlySet<string>;
  readonly now: () => number;
  /** Waits between looks at a claimed order that has not appeared yet. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly newOrderId?: () => string;
}

export function openOrderDeps(store: Store, workflow: OrderWorkflow): OpenOrderDeps {
  return {
    orders: orderRepository(store),
    openOrders: openOrderRepository(store),
    workflow,
    getEvent: (eventId) => recentEvent(store, eventId),
    createOrder: (request, prior) => createOrder(store, workflow, request, prior),
    availability: (eventId) => seatsLeft(store, eventId),
    beingHeld: (eventId) => recentTakesOf(store).beingHeld(eventId),
    now: store.now,
  };
}

/** The buyer's open order for the event: the one they have, or a new one. */
export function openOrder(store: Store, workflow: OrderWorkflow, request: OpenOrderRequest): Promise<OpenOrderResult> {
  return openOrderWith(openOrderDeps(store, workflow), request);
}

export async function openOrderWith(deps: OpenOrderDeps, request: OpenOrderRequest): Promise<OpenOrderResult> {
  const quantity = 'quantity' in request.selection ? request.selection.quantity : undefined;
  // Bad input is refused even when the buyer already has an open order, and before any write.
  const event = await deps.getEvent(request.eventId);
  checkSelection(event, request.selection);
  // Losers are cheap: a best-available request the free seats cannot fill is answered from the
  // event and the summary — in a drop both already read by this container within the second, so
  // usually no request at all — before any claim and without the seat map. The summary may lag
  // (see availability.ts); the conditional hold, not this, is what keeps a seat from selling twice.
  const availability = quantity === undefined ? undefined : await deps.availability?.(event.eventId);
  if (availability && quantity !== undefined && availability.freeCount < quantity) {
    const refusal = new SoldOut(quantity, availability.freeCount);
    await request.soldOut?.(event, refusal);
    throw refusal;
  }
  // What is left may be seats this container's other requests are holding right now: best
  // available would not pick them, so the buyer hears SoldOut before claiming the pointer. Not
  // the sold-out the waiting room acts on (`soldOut`): such a hold can still fail and free its seats.
  const pending = quantity === undefined ? undefined : deps.beingHeld?.(event.eventId);
  if (availability && quantity !== undefined && pending && pending.size > 0) {
    const pickable = availability.rows.reduce((n, row) => n + row.free.filter((id) => !pending.has(id)).length, 0);
    if (pickable < quantity) throw new SoldOut(quantity, pickable);
  }
  const buyer = keyOf(request);
  // The pointer is not read first: most creates in a drop are a buyer's first for the event, so
  // the first claim assumes no pointer, and a refused claim says what the pointer is (one write,
  // where a read and a write were).
  let seen: string | undefined;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    if (seen !== undefined) {
      const claimed = await awaitClaimedOrder(deps, buyer, seen);
      if (claimed === 'moved') {
        seen = undefined; // claim again as if there were none: the refusal tells the new one
        continue;
      }
      if (claimed && isOpen(claimed, deps.now()))
        return { order: await withRunningFlow(deps, claimed), created: false };
      // The order ended (or its create never happened): its claim may be taken over.
    }
    const orderId = deps.newOrderId?.() ?? `ord_${randomUUID()}`;
    const claim = await deps.openOrders.claim(buyer, orderId, seen, deps.now());
    if (!claim.claimed) {
      seen = claim.current; // another request claimed first, or a pointer was there all along
      continue;
    }
    let undoAdmission: ((reason: unknown) => Promise<void>) | undefined;
    try {
      undoAdmission = await request.admit?.(event, orderId);
      const { eventId, buyerId, selection } = request;
      return {
        order: await deps.createOrder(
          { eventId, buyerId, selection, orderId },
          { event, availability, newOrder: true, listed: true },
        ),
        created: true,
      };
    } catch (error) {
      // Seats taken, sold out, no admission...: no open order after all.
      await Promise.all([deps.openOrders.release(buyer, orderId), undoAdmission?.(error)]);
      throw error;
    }
  }
  throw new OrderStateConflict(
    '',
    ['HOLDING'],
    'Your order for this event is changing under too many requests; try again',
  );
}

/**
 * An open order whose flow never started (its create died between the order write and the start,
 * or StartExecution failed) or is not running: started now, under the same name (the order id),
 * so it is one execution whichever request starts it. A flow that already ran keeps its name
 * (the start is refused as a duplicate) and the execution-ended compensation ends the order.
 */
async function withRunningFlow(deps: OpenOrderDeps, order: OrderRecord): Promise<OrderRecord> {
  try {
    // The order records no execution ARN (it is derived from the order id): ask Step Functions.
    if (await deps.workflow.isRunning(order.orderId)) return order;
    await deps.workflow.start({
      orderId: order.orderId,
      eventId: order.eventId,
      hold: { waitSeconds: waitSecondsUntil(order.holdExpiresAt, deps.now()) },
    });
    logger.warn('Started the flow of an open order whose flow was not running', {
      orderId: order.orderId,
      eventId: order.eventId,
    });
    return order;
  } catch (error) {
    // The buyer still gets their order; the next request (or the reconciler) tries again.
    logger.warn('Could not check or start the flow of an open order', {
      orderId: order.orderId,
      error: error instanceof Error ? error : String(error),
    });
    return order;
  }
}

/** An order the buyer still has: its seats are held (unexpired) or its payment is running. */
export function isOpen(order: OrderRecord, now: number): boolean {
  return order.status === 'PAYING' || (order.status === 'HOLDING' && order.holdExpiresAt > now);
}

const keyOf = (request: OpenOrderRequest): BuyerKey => ({ eventId: request.eventId, buyerId: request.buyerId });

/**
 * The order a claim points at. A claim is written before its order, so the order may not exist
 * yet: wait for it, watching the pointer meanwhile ('moved' when another request replaced or
 * released it). Undefined when it never appeared: its request died, the claim is stale.
 */
async function awaitClaimedOrder(
  deps: OpenOrderDeps,
  buyer: BuyerKey,
  orderId: string,
): Promise<OrderRecord | 'moved' | undefined> {
  const sleep = deps.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
  const deadline = deps.now() + CLAIM_WAIT_MS;
  for (let delay = 20; ; delay = Math.min(delay * 2, 250)) {
    const order = await deps.orders.find(orderId);
    if (order) return order;
    if ((await deps.openOrders.pointer(buyer)) !== orderId) return 'moved';
    if (deps.now() >= deadline) return undefined;
    await sleep(delay);
  }
}
