import type { OrderFlowConfig } from '../order-config';
import { waitSecondsUntil } from '../order-workflow';
import { OrderStateConflict } from '../errors';
import { getOrder, updateOrder } from '../orders';
import type { PaymentProcessor } from '../payments/processor';
import type { Store } from '../store';
import { endOrder, type HoldState } from './hold-steps';

/** Order-flow steps of paying: one processor attempt, a failed pay request, a refund. */

/** Another pay request is offered only while at least this much of the hold is left. */
const MIN_HOLD_FOR_RETRY_MS = 5_000;

/**
 * One processor attempt. The state machine retries it (declines, timeouts) with backoff; each
 * attempt is numbered on the order and charged under its own idempotency key, and an order takes
 * at most one charge: a charge that loses that race (e.g. an attempt that answered after its
 * timeout, when the next attempt had already been charged) is refunded at once.
 */
export async function chargePayment(
  store: Store,
  processor: PaymentProcessor,
  input: { orderId: string; code: string },
): Promise<{ chargeId: string }> {
  const order = await getOrder(store, input.orderId);
  if (order.payment.chargeId) return { chargeId: order.payment.chargeId }; // paid by an earlier attempt
  const attempt = order.payment.attempt + 1;
  await updateOrder(store, order.orderId, {
    set: { 'payment.attempt': attempt, 'payment.status': attempt === 1 ? 'trying' : 'retrying' },
    from: ['PAYING'],
    condition: { expression: '#payment.#attempt = :previous', values: { ':previous': order.payment.attempt } },
  });

  let charge;
  try {
    charge = await processor.charge({
      idempotencyKey: `${order.orderId}#${order.payment.round}#${attempt}`,
      orderId: order.orderId,
      amountCents: order.amountCents,
      currency: order.currency,
      code: input.code,
      attempt,
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    await updateOrder(store, order.orderId, { set: { 'payment.lastError': reason }, from: ['PAYING'] }).catch(() => undefined);
    throw error;
  }

  try {
    await updateOrder(store, order.orderId, {
      set: { 'payment.chargeId': charge.chargeId, 'payment.status': 'succeeded' },
      remove: ['payment.lastError'],
      from: ['PAYING'],
      condition: { expression: 'attribute_not_exists(#payment.#chargeId)', values: {} },
    });
    return { chargeId: charge.chargeId };
  } catch (error) {
    if (!(error instanceof OrderStateConflict)) throw error;
    await processor.refund(charge.chargeId); // never keep a second charge, nor one for an ended order
    const current = await getOrder(store, order.orderId);
    if (current.payment.chargeId) return { chargeId: current.payment.chargeId };
    throw error;
  }
}

/**
 * All attempts of a pay request failed. While the hold lasts and the buyer has pay requests left,
 * the seats stay held and the flow waits for the buyer again; otherwise the order fails.
 */
export async function recordPaymentFailure(
  store: Store,
  config: OrderFlowConfig,
  input: { orderId: string; error?: string },
): Promise<{ retry: boolean } & Partial<HoldState>> {
  const order = await getOrder(store, input.orderId);
  const reason = order.payment.lastError ?? input.error ?? 'payment failed';
  const holdLeft = order.holdExpiresAt - store.now();
  if (order.status === 'PAYING' && holdLeft >= MIN_HOLD_FOR_RETRY_MS && order.payment.round < config.paymentRounds) {
    await updateOrder(store, order.orderId, { set: { status: 'HOLDING', 'payment.status': 'failed', 'payment.lastError': reason }, from: ['PAYING'] });
    // Lands on `$.hold` in the flow: the next wait reads `$.hold.waitSeconds`.
    return { retry: true, waitSeconds: waitSecondsUntil(order.holdExpiresAt, store.now()) };
  }
  const why = holdLeft < MIN_HOLD_FOR_RETRY_MS ? 'the hold ran out' : `no pay attempts left (${config.paymentRounds})`;
  await endOrder(store, { orderId: order.orderId, status: 'FAILED', reason: `Payment failed: ${reason}; ${why}` });
  return { retry: false };
}

/** Compensation: the order was paid but lost a seat before it could be confirmed. */
export async function refundPayment(
  store: Store,
  processor: PaymentProcessor,
  input: { orderId: string; reason: string },
): Promise<void> {
  const order = await getOrder(store, input.orderId);
  if (order.payment.chargeId) await processor.refund(order.payment.chargeId);
  await endOrder(store, { orderId: order.orderId, status: 'FAILED', reason: `Refunded: ${input.reason}` });
}

