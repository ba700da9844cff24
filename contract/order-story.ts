import type { OrderStatus, PaymentStatus, TicketState } from './order-view';

/**
 * An order's story as the console shows it (`GET /api/admin/orders/{orderId}/story`): what
 * happened and when, why it failed, where it waits. No task token, charge id or ticket token.
 */
export interface OrderStory {
  readonly orderId: string;
  readonly eventId: string;
  readonly buyerId: string;
  readonly status: OrderStatus;
  readonly seatIds: readonly string[];
  readonly amountCents: number;
  readonly currency: string;
  readonly paymentStatus: PaymentStatus;
  readonly failureReason?: string;
  readonly tickets: readonly StoryTicket[];
  /** The order flow's execution; absent when none was ever started. */
  readonly execution?: {
    readonly status: string;
    /** Epoch ms. */
    readonly startedAt?: number;
    readonly stoppedAt?: number;
    readonly error?: string;
    readonly cause?: string;
    /** The state it waits in now (entered, not exited), while it runs. */
    readonly waitsIn?: string;
  };
  /** What an operator wants to know first, in plain words. */
  readonly explanation: readonly string[];
  /** Dated moments from the order and its tickets, oldest first. */
  readonly moments: readonly StoryMoment[];
  /** The execution's history: states entered, failures and the end, each `+seconds` from its start. */
  readonly steps: readonly string[];
}

export interface StoryTicket {
  readonly ticketId: string;
  readonly seatId: string;
  readonly state: TicketState;
  /** Epoch ms. */
  readonly checkedInAt?: number;
  readonly checkedInBy?: string;
  /** Epoch ms, when this one ticket was refunded by an operator (it is VOIDED then). */
  readonly refundedAt?: number;
  /** What that refund gave back. */
  readonly refundCents?: number;
}

export interface StoryMoment {
  /** Epoch ms. */
  readonly at: number;
  readonly what: string;
}
