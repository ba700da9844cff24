import { randomUUID } from 'node:crypto';
import { Forbidden, HoldExpired, OrderStateConflict, ValidationFailed } from './errors';
import { getEvent } from './events';
import { holdForOrder, type SeatSelection } from './holds';
import type { OrderRecord } from './order';
import { waitSecondsUntil, type BuyerAction, type OrderWorkflow } from './order-workflow';
import { getOrder, putNewOrder, updateOrder } from './orders';
import type { Store } from './store';

/** What a buyer does with orders: create one by holding seats, then pay, change or cancel. */

export interface CreateOrderRequest {
  readonly eventId: string;
  readonly buyerId: string;
  readonly selection: SeatSelection;
  /** Lets a client retry a create safely: the same id gives the same order. */
  readonly orderId?: string;
}

/**
 * Holds the seats, writes the order and starts its flow. Each step is idempotent for the same
 * order id, so a retried request finishes what a failed one began; if it is never retried, the
 * hold simply lapses and the seats are free again.
 */
export async function createOrder(store: Store, workflow: OrderWorkflow, request: CreateOrderRequest): Promise<OrderRecord> {
  const event = await getEvent(store, request.eventId);
  const orderId = request.orderId ?? `ord_${randomUUID()}`;
  const hold = await holdForOrder(store, event, orderId, request.selection);
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
  return order.executionArn ? order : updateOrder(store, orderId, { set: { executionArn }, from: ['HOLDING', 'PAYING'] });
}

const PAYMENT_CODE = /^\d{5}$/;

/**
 * Passes the buyer's action to the flow waiting on this order. Only the order's buyer may act,
 * and only while the flow waits: the token is taken off the order in the same conditional write
 * that checks it, so two clicks can never resume the flow twice.
 */
export async function submitBuyerAction(
  store: Store,
  workflow: OrderWorkflow,
  request: { orderId: string; buyerId: string; action: BuyerAction },
): Promise<OrderRecord> {
  checkAction(request.action);
  const order = await waitForTaskToken(store, request.orderId);
  if (order.buyerId !== request.buyerId) throw new Forbidden('This is not your order');
  if (order.status !== 'HOLDING' || !order.taskToken) {
    if (order.status === 'EXPIRED') throw new HoldExpired([...order.seatIds]);
    const why = order.status === 'PAYING' ? 'a payment is in progress' : `the order is ${order.status.toLowerCase()}`;
    throw new OrderStateConflict(order.orderId, ['HOLDING'], `${why}; nothing to do now`);
  }
  const updated = await updateOrder(store, order.orderId, {
    set: request.action.action === 'pay' ? { status: 'PAYING', 'payment.status': 'trying', 'payment.attempt': 0 } : {},
    increment: request.action.action === 'pay' ? { 'payment.round': 1 } : {},
    remove: ['taskToken'],
    from: ['HOLDING'],
    condition: { expression: 'taskToken = :token', values: { ':token': order.taskToken } },
  });
  try {
    await workflow.resume(order.taskToken, request.action);
  } catch (error) {
    if (!(error instanceof HoldExpired)) await restoreToken(store, order); // let the buyer try again
    throw error;
  }
  return updated;
}

/** Between two steps the flow has not put its next token on the order yet: allow it a moment. */
const TOKEN_WAIT_MS = 3000;

async function waitForTaskToken(store: Store, orderId: string): Promise<OrderRecord> {
  const deadline = store.now() + TOKEN_WAIT_MS;
  for (let delay = 25; ; delay = Math.min(delay * 2, 400)) {
    const order = await getOrder(store, orderId);
    if (order.taskToken || order.status !== 'HOLDING' || store.now() >= deadline) return order;
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

async function restoreToken(store: Store, order: OrderRecord): Promise<void> {
  await updateOrder(store, order.orderId, {
    set: { status: 'HOLDING', taskToken: order.taskToken, payment: order.payment },
    from: ['HOLDING', 'PAYING'],
    condition: { expression: 'attribute_not_exists(taskToken)', values: {} },
  }).catch(() => undefined); // the flow moved on meanwhile: its own state wins
}

function checkAction(action: BuyerAction): void {
  if (action.action === 'pay' && !PAYMENT_CODE.test(action.code)) {
    throw new ValidationFailed(['the payment code has exactly 5 digits']);
  }
  if (action.action === 'change' && action.seatIds.length === 0) {
    throw new ValidationFailed(['choose at least one seat, or cancel the order']);
  }
}
