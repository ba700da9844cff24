import { MIN_HOLD_TO_PAY_MS, PAYMENT_WINDOW_MS } from '../../../contract/order-flow-settings';
import { paymentKey } from '../payments/processor';
import { Forbidden, HoldExpired, OrderStateConflict, TooLateToPay, ValidationFailed } from '../platform/errors';
import type { Store } from '../platform/store';
import { extendHolds } from '../seats/seat-locks';
import type { OrderRecord } from './order-record';
import { getOrder, type OrderChange, updateOrder } from './order-store';
import { type BuyerAction, type OrderWorkflow, paidOrderOf } from './order-workflow';

/** A buyer acts on an order the flow waits on: pay, change seats or cancel. */

const PAYMENT_CODE = /^\d{5}$/;

/**
 * Passes the buyer's action to the flow waiting on this order. Only the order's buyer may act,
 * and only while the flow waits: the token is taken off the order in the same conditional write
 * that checks it, so two clicks can never resume the flow twice.
 *
 * A pay request becomes the order's payment intent in that same write (one idempotency key per
 * pay request, the amount, the round) and first extends the seat holds over the payment window,
 * so a payment accepted with time on the clock cannot lose its seats to the next buyer.
 */
export async function submitBuyerAction(
  store: Store,
  workflow: OrderWorkflow,
  request: {
    orderId: string;
    buyerId: string;
    action: BuyerAction;
    /** The order as the caller just read it (strongly consistent): the first look, not read again. */
    read?: OrderRecord;
  },
): Promise<OrderRecord> {
  checkAction(request.action);
  const order = await waitForTaskToken(store, request.orderId, request.read);
  if (order.buyerId !== request.buyerId) throw new Forbidden('This is not your order');
  if (order.status !== 'HOLDING' || !order.taskToken) {
    if (order.status === 'EXPIRED') throw new HoldExpired([...order.seatIds]);
    const why = order.status === 'PAYING' ? 'a payment is in progress' : `the order is ${order.status.toLowerCase()}`;
    throw new OrderStateConflict(order.orderId, ['HOLDING'], `${why}; nothing to do now`);
  }
  const taken = await updateOrder(store, order.orderId, {
    ...(request.action.action === 'pay' ? await acceptPayRequest(store, order) : {}),
    remove: ['taskToken'],
    from: ['HOLDING'],
    expect: { taskToken: order.taskToken },
  });
  try {
    // A pay action carries the order's facts as this write left them: the steps after it need not read the order.
    const { action } = request;
    const intent = taken.payment.intent;
    await workflow.resume(
      order.taskToken,
      action.action === 'pay' && intent ? { ...action, order: paidOrderOf(taken, intent) } : action,
    );
    return taken;
  } catch (error) {
    // Provably not delivered (nothing wrote the order since our write): undone, the buyer may retry.
    if (!(error instanceof HoldExpired) && (await restoreToken(store, order, taken))) throw error;
    // The token is gone — timed out, or consumed by an earlier delivery of this very request
    // whose answer was lost (the SDK retried): the order says which.
    const moved = await movedOn(store, taken);
    if (moved) return moved;
    throw error instanceof HoldExpired ? new HoldExpired([...order.seatIds]) : error;
  }
}

/**
 * Checks there is time to pay, holds the seats over the payment window and returns the order
 * change that records the pay request (applied with the token write).
 */
async function acceptPayRequest(store: Store, order: OrderRecord): Promise<Omit<OrderChange, 'from'>> {
  const now = store.now();
  const left = order.holdExpiresAt - now;
  if (left < MIN_HOLD_TO_PAY_MS) throw new TooLateToPay(left);
  const paymentDeadline = now + PAYMENT_WINDOW_MS;
  // Never shortens a hold: a pay request early in a long hold keeps the hold's own deadline, and
  // then writes no seat at all — its seats are held by this order until `holdExpiresAt` (a
  // change of seats keeps that deadline) and nobody can take an unexpired hold, so the payment
  // window is covered already; a seat lost anyway is SeatsLost at ConfirmSeats (refunded).
  if (paymentDeadline > order.holdExpiresAt) {
    await extendHolds(store, {
      eventId: order.eventId,
      orderId: order.orderId,
      seatIds: order.seatIds,
      holdExpiresAt: paymentDeadline,
    });
  }
  const round = order.payment.round + 1;
  return {
    set: {
      status: 'PAYING',
      paymentDeadline,
      'payment.status': 'trying',
      'payment.attempt': 0,
      'payment.round': round,
      'payment.intent': { key: paymentKey(order.orderId, round), amountCents: order.amountCents, round },
    },
  };
}

/** Between two steps the flow has not put its next token on the order yet: allow it a moment. */
const TOKEN_WAIT_MS = 3000;

async function waitForTaskToken(store: Store, orderId: string, read?: OrderRecord): Promise<OrderRecord> {
  const deadline = store.now() + TOKEN_WAIT_MS;
  let order = read?.orderId === orderId ? read : await getOrder(store, orderId);
  for (let delay = 25; ; delay = Math.min(delay * 2, 400)) {
    if (order.taskToken || order.status !== 'HOLDING' || store.now() >= deadline) return order;
    await new Promise((resolve) => setTimeout(resolve, delay));
    order = await getOrder(store, orderId);
  }
}

/**
 * Puts the order back as it was before the buyer's write — only if nothing has written it since
 * (same version): then the flow has provably not moved on (no payment attempt, no seat change).
 * True when restored.
 */
async function restoreToken(store: Store, before: OrderRecord, taken: OrderRecord): Promise<boolean> {
  try {
    await updateOrder(store, before.orderId, {
      set: {
        status: before.status,
        taskToken: before.taskToken,
        payment: before.payment,
        ...(before.paymentDeadline === undefined ? {} : { paymentDeadline: before.paymentDeadline }),
      },
      remove: before.paymentDeadline === undefined && taken.paymentDeadline !== undefined ? ['paymentDeadline'] : [],
      from: [taken.status],
      expect: { version: taken.version, withoutTaskToken: true },
    });
    return true;
  } catch (error) {
    if (error instanceof OrderStateConflict) return false; // the flow moved on meanwhile: its own state wins
    throw error;
  }
}

/**
 * After a resume whose answer says the token is gone: the order as the flow left it if the flow
 * went on with this request, undefined if the hold ran out. Something writes the order soon after
 * a resume (a payment attempt, the seat change, the new wait, the ending); while nothing has, a
 * hold that has not lapsed cannot have timed out, so the request was delivered.
 */
async function movedOn(store: Store, taken: OrderRecord): Promise<OrderRecord | undefined> {
  const deadline = store.now() + TOKEN_WAIT_MS;
  for (let delay = 25; ; delay = Math.min(delay * 2, 400)) {
    const order = await getOrder(store, taken.orderId);
    if (order.status === 'EXPIRED') return undefined;
    if (order.version > taken.version) return order;
    if (store.now() >= deadline) return order.holdExpiresAt > store.now() ? order : undefined;
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

function checkAction(action: BuyerAction): void {
  if (action.action === 'pay' && !PAYMENT_CODE.test(action.code)) {
    throw new ValidationFailed(['the payment code has exactly 5 digits']);
  }
  if (action.action === 'change' && action.seatIds.length === 0) {
    throw new ValidationFailed(['choose at least one seat, or cancel the order']);
  }
}
