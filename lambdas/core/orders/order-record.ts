/** The order record: one buyer's attempt to buy seats of one event, from hold to ticket. */

import type { NotificationResult, OrderStatus, OrderView, PaymentStatus } from '../../../contract/order-view';
import type { TicketItem } from '../tickets/ticket-item';

export type { NotificationResult, OrderStatus, PaymentStatus };

export const FINAL_STATUSES: readonly OrderStatus[] = ['CONFIRMED', 'EXPIRED', 'CANCELLED', 'FAILED'];

/**
 * A pay request as accepted, written (with the move to PAYING) before the processor is called:
 * a charge whose answer is lost can be looked up by its key, and a charge for another round or
 * another amount is recognised as not this order's to keep.
 */
export interface PaymentIntent {
  /** `paymentKey(orderId, round)`: one key per pay request. */
  readonly key: string;
  readonly amountCents: number;
  readonly round: number;
}

export interface PaymentState {
  readonly status: PaymentStatus;
  readonly intent?: PaymentIntent;
  /** Pay requests so far (each one is up to MAX_PAYMENT_ATTEMPTS processor attempts). */
  readonly round: number;
  /** Processor attempts within the current round. */
  readonly attempt: number;
  readonly chargeId?: string;
  readonly lastError?: string;
}

export interface OrderRecord {
  readonly orderId: string;
  readonly eventId: string;
  readonly buyerId: string;
  readonly status: OrderStatus;
  readonly seatIds: readonly string[];
  /** Epoch ms. */
  readonly holdExpiresAt: number;
  readonly amountCents: number;
  readonly currency: string;
  readonly payment: PaymentState;
  /** Token of the waiting state-machine task; present only while the order waits for the buyer. */
  readonly taskToken?: string;
  /** Written by earlier versions only: the execution is named after the order, its ARN derived from the id. */
  readonly executionArn?: string;
  // No tickets here: they live in their own items (tickets/ticket-store.ts), so every write of
  // the order stays within one write unit.
  /**
   * Epoch ms; set when a pay request is accepted: its seats are held at least this long, and a
   * payment still running after it is finished by the reconciler.
   */
  readonly paymentDeadline?: number;
  readonly notifications?: { readonly email?: NotificationResult; readonly sms?: NotificationResult };
  /** Why a change of seats was refused, for the buyer's screen. */
  readonly lastChangeError?: string;
  /** Why the order ended without tickets, in plain words. */
  readonly failureReason?: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Incremented by every write, so a live view can drop stale updates. */
  readonly version: number;
}

/**
 * How the reason of an order that ended after the processor took its money begins when no charge
 * was recorded on it (its seats were lost before CompleteOrder could record the charge): the
 * compensation refunded it, and the console flags it as it flags a FAILED order with a charge.
 */
export const REFUNDED_REASON_PREFIX = 'Refunded: ';

/** A FAILED order that took money (recorded, or refunded before it could be recorded). */
export function failedAfterCharge(order: Pick<OrderRecord, 'status' | 'payment' | 'failureReason'>): boolean {
  if (order.status !== 'FAILED') return false;
  return order.payment.chargeId !== undefined || (order.failureReason?.startsWith(REFUNDED_REASON_PREFIX) ?? false);
}

export function isFinal(status: OrderStatus): boolean {
  return FINAL_STATUSES.includes(status);
}

/** The buyer's view; `tickets` are the order's ticket items, read apart (ticket-store.ts). */
export function toOrderView(order: OrderRecord, tickets: readonly TicketItem[] = []): OrderView {
  const { status, round, attempt, lastError } = order.payment;
  return {
    orderId: order.orderId,
    eventId: order.eventId,
    status: order.status,
    seatIds: order.seatIds,
    holdExpiresAt: order.holdExpiresAt,
    ...(order.paymentDeadline === undefined ? {} : { paymentDeadline: order.paymentDeadline }),
    amountCents: order.amountCents,
    currency: order.currency,
    payment: { status, round, attempt, ...(lastError === undefined ? {} : { lastError }) },
    ...(tickets.length > 0
      ? { tickets: tickets.map(({ ticketId, seatId, token, state }) => ({ ticketId, seatId, token, state })) }
      : {}),
    ...(order.notifications ? { notifications: order.notifications } : {}),
    ...(order.lastChangeError === undefined ? {} : { lastChangeError: order.lastChangeError }),
    ...(order.failureReason === undefined ? {} : { failureReason: order.failureReason }),
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    version: order.version,
  };
}
