import type { OrderStatus, PaymentStatus } from './order-view';

/**
 * What the console reads besides an order's story (contract/order-story.ts): one shape each for
 * the server that answers and the browser that shows it.
 */

/** An order as an operator lists it (`GET /api/admin/events/{eventId}/orders`): no task token, execution, charge or ticket tokens. */
export interface OrderSummary {
  readonly orderId: string;
  readonly buyerId: string;
  readonly status: OrderStatus;
  readonly seatIds: readonly string[];
  readonly amountCents: number;
  readonly currency: string;
  readonly holdExpiresAt: number;
  readonly paymentStatus: PaymentStatus;
  readonly ticketCount: number;
  readonly failureReason?: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** A message the notification simulator sent, as the local outbox keeps it (`GET /_local/outbox`). */
export interface SentMessage {
  readonly channel: 'email' | 'sms';
  readonly to: string;
  readonly orderId: string;
  readonly eventId: string;
  readonly subject?: string;
  readonly text: string;
  /** Epoch ms. */
  readonly sentAt: number;
}
