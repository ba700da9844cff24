import type { PaymentProcessor } from '../../payments/processor';
import type { Store } from '../../platform/store';
import { REFUNDED_REASON_PREFIX } from '../order-record';
import { type CompensationResult, compensateOrder, type EndingStatus } from '../settlement';

/**
 * The flow's one compensation path: every Catch of the order state machine lands in the
 * `Compensate` step, which ends the order without tickets (refunds every charge, frees its seats)
 * with a reason built from the error, then the execution fails.
 */

/** What a Catch puts at its ResultPath: the error's name and cause (Lambda's JSON for a function error). */
export interface FlowError {
  readonly Error: string;
  readonly Cause?: string;
}

/** The state data at the Compensate step (its payload is the whole state). */
export interface CompensationInput {
  readonly orderId: string;
  readonly error?: FlowError;
  /** Set by WaitForBuyer's timeout Catch: only ExpireOrder follows it, so it failed expiring. */
  readonly timeout?: unknown;
  /** The buyer's last action: a cancel is only followed by CancelOrder, so it failed cancelling. */
  readonly buyer?: { readonly action?: string };
}

export async function compensate(
  store: Store,
  processor: PaymentProcessor,
  input: CompensationInput,
): Promise<CompensationResult> {
  return compensateOrder(store, processor, {
    orderId: input.orderId,
    status: endingStatusOf(input),
    reason: reasonFor(input.error),
  });
}

/** The status the failed state was itself trying to set, else FAILED. */
export function endingStatusOf(input: CompensationInput): EndingStatus {
  if (input.timeout !== undefined) return 'EXPIRED';
  if (input.buyer?.action === 'cancel') return 'CANCELLED';
  return 'FAILED';
}

/** A sentence for the buyer's screen, from the caught error. */
export function reasonFor(error: FlowError | undefined): string {
  if (!error) return 'The order could not be completed; any payment is refunded';
  const message = messageOf(error);
  if (error.Error === 'SeatsLost') return `${REFUNDED_REASON_PREFIX}${message}`;
  return `The order could not be completed (${error.Error}${message && message !== error.Error ? `: ${message}` : ''}); any payment is refunded`;
}

/** Lambda's Cause is `{"errorType","errorMessage",...}`; other causes are plain text. */
export function messageOf(error: FlowError): string {
  const cause = error.Cause ?? '';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') return parsed.errorMessage;
  } catch {
    // not JSON: the cause as written
  }
  return cause.length > 300 ? `${cause.slice(0, 300)}…` : cause;
}
