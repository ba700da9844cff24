/**
 * The card processor as the order flow sees it. Every charge carries an idempotency key: asking
 * again with the same key returns the first answer and never charges twice.
 */

export interface ChargeRequest {
  /** One key per order, pay request and attempt, e.g. `ord_1#2#1`. */
  readonly idempotencyKey: string;
  readonly orderId: string;
  readonly amountCents: number;
  readonly currency: string;
  /** The buyer's 5-digit payment code. */
  readonly code: string;
  /** 1-based attempt within the pay request (the simulator's test codes depend on it). */
  readonly attempt: number;
}

export interface Charge {
  readonly chargeId: string;
  readonly amountCents: number;
}

export interface PaymentProcessor {
  charge(request: ChargeRequest): Promise<Charge>;
  /** Gives the money back; refunding twice refunds once. */
  refund(chargeId: string): Promise<void>;
}

/** The card was declined. Retried by the state machine, since declines are often transient. */
export class PaymentDeclined extends Error {
  override readonly name = 'PaymentDeclined';
}

/** The processor could not answer (or is still working on this key). Retried. */
export class PaymentProcessorUnavailable extends Error {
  override readonly name = 'PaymentProcessorUnavailable';
}

export const PAYMENT_RETRY_ERRORS = ['PaymentDeclined', 'PaymentProcessorUnavailable'] as const;
