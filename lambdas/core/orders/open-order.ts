import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type EventRecord, getEvent } from '../events/event-records';
import { OrderStateConflict } from '../platform/errors';
import { logger } from '../platform/logger';
import type { Store } from '../platform/store';
import { checkSelection, type SeatSelection } from '../seats/order-holds';
import type { OrderRecord } from './order-record';
import { createOrder } from './order-service';
import { findOrder, updateOrder } from './order-store';
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
}

export interface OpenOrderResult {
  readonly order: OrderRecord;
  /** False when the buyer's open order already existed (returned unchanged). */
  readonly created: boolean;
}

/** How long a request waits for the order another request of the same buyer claimed to appear. */
const CLAIM_WAIT_MS = 8000;
/** Each round ends with a result or with a claim lost to a newer one; a few suffice. */
const MAX_ROUNDS = 5;

export async function openOrder(
  store: Store,
  workflow: OrderWorkflow,
  request: OpenOrderRequest,
): Promise<OpenOrderResult> {
  // Bad input is refused even when the buyer already has an open order, and before any write.
  const event = await getEvent(store, request.eventId);
  checkSelection(event, request.selection);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const seen = await readOpenOrderId(store, request);
    if (seen !== undefined) {
      const claimed = await awaitClaimedOrder(store, request, seen);
      if (claimed === 'moved') continue;
      if (claimed && isOpen(claimed, store.now()))
        return { order: await withRunningFlow(store, workflow, claimed), created: false };
      // The order ended (or its create never happened): its claim may be taken over.
    }
    const orderId = `ord_${randomUUID()}`;
    if (!(await claim(store, request, orderId, seen))) continue; // another request claimed first
    let undoAdmission: ((reason: unknown) => Promise<void>) | undefined;
    try {
      undoAdmission = await request.admit?.(event, orderId);
      const { eventId, buyerId, selection } = request;
      return { order: await createOrder(store, workflow, { eventId, buyerId, selection, orderId }), created: true };
    } catch (error) {
      // Seats taken, sold out, no admission...: no open order after all.
      await Promise.all([releaseClaim(store, request, orderId), undoAdmission?.(error)]);
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
async function withRunningFlow(store: Store, workflow: OrderWorkflow, order: OrderRecord): Promise<OrderRecord> {
  try {
    if (order.executionArn && (await workflow.isRunning(order.orderId))) return order;
    const executionArn = await workflow.start({
      orderId: order.orderId,
      eventId: order.eventId,
      hold: { waitSeconds: waitSecondsUntil(order.holdExpiresAt, store.now()) },
    });
    if (order.executionArn === executionArn) return order;
    logger.warn('Started the flow of an open order that had none', { orderId: order.orderId, eventId: order.eventId });
    return await updateOrder(store, order.orderId, { set: { executionArn }, from: ['HOLDING', 'PAYING'] });
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

const keyOf = (request: OpenOrderRequest) => ({ eventId: request.eventId, buyerId: request.buyerId });

async function readOpenOrderId(store: Store, request: OpenOrderRequest): Promise<string | undefined> {
  const result = await store.doc.send(
    new GetCommand({
      TableName: store.tables.buyers,
      Key: keyOf(request),
      ConsistentRead: true,
      ProjectionExpression: 'openOrderId',
    }),
  );
  return (result.Item?.openOrderId as string | undefined) ?? undefined;
}

/**
 * The order a claim points at. A claim is written before its order, so the order may not exist
 * yet: wait for it, watching the pointer meanwhile ('moved' when another request replaced or
 * released it). Undefined when it never appeared: its request died, the claim is stale.
 */
async function awaitClaimedOrder(
  store: Store,
  request: OpenOrderRequest,
  orderId: string,
): Promise<OrderRecord | 'moved' | undefined> {
  const deadline = store.now() + CLAIM_WAIT_MS;
  for (let delay = 20; ; delay = Math.min(delay * 2, 250)) {
    const order = await findOrder(store, orderId);
    if (order) return order;
    if ((await readOpenOrderId(store, request)) !== orderId) return 'moved';
    if (store.now() >= deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/** Points the buyer at `orderId` if the pointer is still what this request saw. */
async function claim(
  store: Store,
  request: OpenOrderRequest,
  orderId: string,
  seen: string | undefined,
): Promise<boolean> {
  try {
    await store.doc.send(
      new UpdateCommand({
        TableName: store.tables.buyers,
        Key: keyOf(request),
        UpdateExpression: 'SET openOrderId = :orderId, claimedAt = :now',
        ConditionExpression: seen === undefined ? 'attribute_not_exists(openOrderId)' : 'openOrderId = :seen',
        ExpressionAttributeValues: {
          ':orderId': orderId,
          ':now': store.now(),
          ...(seen === undefined ? {} : { ':seen': seen }),
        },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

async function releaseClaim(store: Store, request: OpenOrderRequest, orderId: string): Promise<void> {
  await store.doc
    .send(
      new UpdateCommand({
        TableName: store.tables.buyers,
        Key: keyOf(request),
        UpdateExpression: 'REMOVE openOrderId',
        ConditionExpression: 'openOrderId = :orderId',
        ExpressionAttributeValues: { ':orderId': orderId },
      }),
    )
    .catch((error: unknown) => {
      if (!(error instanceof ConditionalCheckFailedException)) throw error; // already taken over
    });
}
