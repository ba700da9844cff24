import type { PaymentRetryError } from '../../../contract/order-flow-settings';
/**
 * The card processor as the order flow sees it. Every charge carries an idempotency key: asking
 * again with the same key returns the first answer and never charges twice.
 */

export interface ChargeRequest {
  /** One key per pay request (`paymentKey`), reused by every attempt and every retry of it. */
  readonly idempotencyKey: string;
  readonly orderId: string;
  readonly amountCents: number;
  readonly currency: string;
  /** The buyer's 5-digit payment code. */
  readonly code: string;
}

export interface Charge {
  readonly chargeId: string;
  readonly amountCents: number;
}

export type ChargeStatus = 'NONE' | 'PENDING' | 'DECLINED' | 'CHARGED' | 'REFUNDED';

/** What the processor knows about one idempotency key ("what happened to key K?"). */
export interface ChargeLookup {
  readonly idempotencyKey: string;
  readonly status: ChargeStatus;
  readonly chargeId?: string;
  readonly amountCents?: number;
  readonly orderId?: string;
}

export interface PaymentProcessor {
  /**
   * Charges under the request's key. A key that was charged answers with that charge again (never
   * a second one); a declined key may be tried again (the next attempt of the same pay request).
   */
  charge(request: ChargeRequest): Promise<Charge>;
  /** Gives the money back; refunding twice refunds once. */
  refund(chargeId: string): Promise<void>;
  /** What happened to a key, for a charge whose answer was lost. */
  lookup(idempotencyKey: string): Promise<ChargeLookup>;
  /**
   * Gives part of a charge back (one ticket of an order) under its own idempotency key: asking
   * again with the key answers the first refund and never gives money back twice. A charge
   * refunded whole before (`refund`) has nothing left to give: answered `covered`.
   */
  refundPart(request: PartialRefundRequest): Promise<PartialRefund>;
}

export interface PartialRefundRequest {
  /** One key per partial refund (`ticketRefundKey`), reused by every retry of it. */
  readonly idempotencyKey: string;
  readonly chargeId: string;
  readonly orderId: string;
  readonly amountCents: number;
}

export interface PartialRefund {
  readonly idempotencyKey: string;
  /** `refunded`: this key gave the amount back (now or on an earlier call); `covered`: the whole charge had been refunded. */
  readonly outcome: 'refunded' | 'covered';
  readonly amountCents: number;
}

/** The idempotency key of one ticket's refund: the same on every retry, never another ticket's. */
export function ticketRefundKey(ticketId: string): string {
  return `refund#${ticketId}`;
}

/**
 * The idempotency key of an order's pay request `round` (1-based). Every charge an order can have
 * taken is under one of the keys of rounds 1..payment.round, so nothing has to remember them.
 */
export function paymentKey(orderId: string, round: number): string {
  return `${orderId}#${round}`;
}

/** The card was declined. Retried by the state machine, since declines are often transient. */
export class PaymentDeclined extends Error {
  override readonly name = 'PaymentDeclined' satisfies PaymentRetryError;
}

/** The processor could not answer, answered too late, or is still working on this key. Retried. */
export class PaymentProcessorUnavailable extends Error {
  override readonly name = 'PaymentProcessorUnavailable' satisfies PaymentRetryError;
}
