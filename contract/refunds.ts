import type { OrderStatus } from './order-view';

/**
 * What an operator's refunds answer (docs/API.md, "Refund" and "Refund one ticket"): one shape
 * each for the handler that answers (lambdas/core/refunds/) and the console that shows it.
 */

/** A whole order's refund (`POST /api/admin/orders/{orderId}/refund`). */
export interface OrderRefund {
  readonly orderId: string;
  /** The order's status afterwards (CANCELLED). */
  readonly status: OrderStatus;
  /** False when the order had been refunded before (this call only settled again). */
  readonly refundedNow: boolean;
  readonly releasedSeatIds: readonly string[];
  readonly refundedChargeIds: readonly string[];
  /** Tickets voided now. */
  readonly voidedTicketIds: readonly string[];
}

/**
 * The money of one ticket's refund: `refunded` under the ticket's own key (now or before),
 * `covered` (the whole charge had been refunded already), `noCharge` (the order took no money).
 */
export type TicketRefundPayment =
  | { readonly outcome: 'refunded' | 'covered'; readonly amountCents: number; readonly idempotencyKey: string }
  | { readonly outcome: 'noCharge' };

/** One ticket's refund (`POST /api/admin/orders/{orderId}/tickets/{ticketId}/refund`). */
export interface TicketRefund {
  readonly orderId: string;
  readonly ticketId: string;
  readonly seatId: string;
  readonly refundCents: number;
  /** False when this ticket had been refunded before (this call only finished the steps again). */
  readonly refundedNow: boolean;
  /** The seat put back on sale now (absent: it was back already, or resold). */
  readonly releasedSeatId?: string;
  readonly payment: TicketRefundPayment;
  /** Present when this was the order's last valid ticket: the order's own refund. */
  readonly orderRefund?: OrderRefund;
}
