import type { OrderFlowConfig } from '../../../../contract/order-flow-settings';
import type { Charge, PaymentProcessor } from '../../payments/processor';
import { OrderStateConflict } from '../../platform/errors';
import { logger } from '../../platform/logger';
import type { Store } from '../../platform/store';
import type { OrderRecord, PaymentIntent } from '../order-record';
import { getOrder, updateOrder } from '../order-store';
import { type PaidOrder, paidOrderOf, waitSecondsUntil } from '../order-workflow';
import { compensateOrder } from '../settlement';
import type { HoldState } from './hold-steps';

/**
 * Order-flow steps of paying: one processor attempt, and what follows when the attempts ran out.
 *
 * Money rules: a pay request is one idempotency key (`payment.intent.key`, written with the move
 * to PAYING), reused by every attempt and every retry of the step, so a lost answer is found again
 * instead of charged twice. The order keeps a charge only if it is the current intent's, for the
 * intent's amount, while the order is PAYING; any other charge is refunded on the spot.
 */

/** Another pay request is offered only while at least this much of the hold is left. */
const MIN_HOLD_FOR_RETRY_MS = 5_000;

/** A charge the order cannot keep (another amount than its intent): refunded, never confirmed. */
export class ChargeMismatch extends Error {
  override readonly name = 'ChargeMismatch';
}

/** The step runs only for a PAYING order with an intent; anything else is a flow that moved on. */
function currentIntent(order: OrderRecord): PaymentIntent {
  const intent = order.payment.intent;
  if (order.status !== 'PAYING' || !intent)
    throw new OrderStateConflict(order.orderId, ['PAYING'], `Order ${order.orderId} has no payment running`);
  return intent;
}

/**
 * One processor attempt for the current pay request. The state machine retries it (declines,
 * timeouts, transient faults) with backoff; the processor counts the attempts at the intent's key
 * (the simulator's test codes depend on it), charged for the intent's amount.
 *
 * `paid` is the order as the pay request left it (handed over with the pay action): then the
 * step reads nothing and writes nothing — the charge goes on through the flow's state and is
 * recorded by CompleteOrder's one conditional write (PAYING, this intent → CONFIRMED), which is
 * what decides whether the order may keep it (issue #13: one order write fewer per purchase).
 * An order that ended meanwhile fails that write, or the seats' or the tickets' check before it,
 * and the flow's compensation refunds every charge it finds under the order's keys
 * (`refundCharges`: it asks the processor, it does not rely on a recorded charge). Without
 * `paid` (an execution started before the flow carried it, or a direct call) the order is read.
 */
export async function chargePayment(
  store: Store,
  processor: PaymentProcessor,
  input: { orderId: string; code: string; paid?: PaidOrder },
): Promise<{ chargeId: string }> {
  let paid = input.paid;
  if (!paid) {
    const order = await getOrder(store, input.orderId);
    if (order.status === 'PAYING' && order.payment.chargeId) return { chargeId: order.payment.chargeId }; // an earlier attempt was charged
    paid = paidOrderOf(order, currentIntent(order));
  }
  const { intent } = paid;

  let charge: Charge;
  try {
    charge = await processor.charge({
      idempotencyKey: intent.key,
      orderId: input.orderId,
      amountCents: intent.amountCents,
      currency: paid.currency,
      code: input.code,
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    await updateOrder(store, input.orderId, {
      set: { 'payment.status': 'retrying', 'payment.lastError': reason },
      from: ['PAYING'],
      expect: { intentKey: intent.key },
    }).catch(() => undefined); // only a note for the buyer's screen
    throw error;
  }
  // Without the paid order in the flow's state the steps after this one read the order, so the
  // charge is recorded on it now (executions started before the flow carried it, direct calls).
  if (!input.paid) return recordCharge(store, processor, input.orderId, intent, charge);
  await refundIfNotAsked(processor, intent, charge);
  return { chargeId: charge.chargeId };
}

/** A charge for another amount than the intent's is refunded on the spot, never kept. */
async function refundIfNotAsked(processor: PaymentProcessor, intent: PaymentIntent, charge: Charge): Promise<void> {
  if (charge.amountCents === intent.amountCents) return;
  await processor.refund(charge.chargeId);
  throw new ChargeMismatch(`Charged ${charge.amountCents} instead of ${intent.amountCents}; refunded`);
}

/**
 * Keeps the charge on the order if it is the current intent's, for its amount, while PAYING;
 * refunds it otherwise (a late answer for an earlier pay request, or for an order that ended).
 * Used where the flow's state does not carry the charge on to CompleteOrder: a charge found
 * after all attempts failed (RecordPaymentFailure's `confirm`), a flow without the paid order.
 */
async function recordCharge(
  store: Store,
  processor: PaymentProcessor,
  orderId: string,
  intent: PaymentIntent,
  charge: Charge,
): Promise<{ chargeId: string }> {
  await refundIfNotAsked(processor, intent, charge);
  try {
    await updateOrder(store, orderId, {
      set: { 'payment.chargeId': charge.chargeId, 'payment.status': 'succeeded' },
      remove: ['payment.lastError'],
      from: ['PAYING'],
      expect: { intentKey: intent.key, unchargedOr: charge.chargeId },
    });
    return { chargeId: charge.chargeId };
  } catch (error) {
    if (!(error instanceof OrderStateConflict)) throw error;
    const current = await getOrder(store, orderId);
    // Another attempt of the same pay request recorded this very charge (same key, same id).
    if (current.status !== 'FAILED' && current.payment.chargeId === charge.chargeId)
      return { chargeId: charge.chargeId };
    await processor.refund(charge.chargeId); // never keep a charge for an old pay request or an ended order
    logger.warn('Refunded a charge the order could not keep', { orderId, key: intent.key, status: current.status });
    throw error;
  }
}

export type PaymentFailureOutcome =
  /** The charge went through after all (a late or lost answer): confirm the seats. */
  | { readonly next: 'confirm' }
  /** Hold and pay requests left: the flow waits for the buyer again, seats still held. */
  | ({ readonly next: 'wait' } & HoldState)
  /** The order ended (FAILED, everything refunded and released). */
  | { readonly next: 'fail' };

/**
 * All attempts of a pay request failed — as far as the flow knows. A charge may still have gone
 * through (an answer lost or too late): one recorded on the order, or found by the intent's key,
 * is confirmed rather than left behind. Otherwise, while the hold lasts and the buyer has pay
 * requests left, the flow waits for the buyer again; else the order ends FAILED, refunded.
 */
export async function recordPaymentFailure(
  store: Store,
  processor: PaymentProcessor,
  config: OrderFlowConfig,
  input: { orderId: string; error?: string },
): Promise<PaymentFailureOutcome> {
  for (let round = 0; ; round++) {
    const order = await getOrder(store, input.orderId);
    if (order.status === 'CONFIRMED') return { next: 'confirm' }; // a retry of this step after it went on
    // A retry of this step after it already sent the order back to waiting: same answer.
    if (order.status === 'HOLDING')
      return { next: 'wait', waitSeconds: waitSecondsUntil(order.holdExpiresAt, store.now()) };
    if (order.status !== 'PAYING') {
      // Ended meanwhile: settle whatever it still holds (idempotent) and end the flow.
      await compensateOrder(store, processor, {
        orderId: order.orderId,
        status: 'FAILED',
        reason: `Payment failed: ${input.error ?? 'payment failed'}`,
      });
      return { next: 'fail' };
    }
    if (order.payment.chargeId) return { next: 'confirm' };
    const intent = currentIntent(order);
    const found = await processor.lookup(intent.key);
    if (found.status === 'CHARGED' && found.chargeId) {
      await recordCharge(store, processor, order.orderId, intent, {
        chargeId: found.chargeId,
        amountCents: found.amountCents ?? intent.amountCents,
      });
      return { next: 'confirm' };
    }

    const reason = order.payment.lastError ?? input.error ?? 'payment failed';
    const holdLeft = order.holdExpiresAt - store.now();
    if (holdLeft >= MIN_HOLD_FOR_RETRY_MS && order.payment.round < config.paymentRounds) {
      try {
        // Only while no charge was recorded meanwhile (a late answer just landed: look again).
        await updateOrder(store, order.orderId, {
          set: { status: 'HOLDING', 'payment.status': 'failed', 'payment.lastError': reason },
          remove: ['paymentDeadline'],
          from: ['PAYING'],
          expect: { intentKey: intent.key, uncharged: true },
        });
      } catch (error) {
        if (error instanceof OrderStateConflict && round < 3) continue;
        throw error;
      }
      // Lands on `$.hold` in the flow: the next wait reads `$.hold.waitSeconds`.
      return { next: 'wait', waitSeconds: waitSecondsUntil(order.holdExpiresAt, store.now()) };
    }
    const why =
      holdLeft < MIN_HOLD_FOR_RETRY_MS ? 'the hold ran out' : `no pay attempts left (${config.paymentRounds})`;
    await compensateOrder(store, processor, {
      orderId: order.orderId,
      status: 'FAILED',
      reason: `Payment failed: ${reason}; ${why}`,
    });
    return { next: 'fail' };
  }
}
