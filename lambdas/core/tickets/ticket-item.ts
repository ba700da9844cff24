import type { TicketState } from '../../../contract/order-view';

export type { TicketState };

/**
 * A ticket, in its own item of the tickets table (never on the order: an order's writes stay
 * small). VOIDED once its order is refunded, compensated or reset: it never verifies again.
 */
export interface TicketItem {
  /** `ticketIdOf(orderId, seatId)`. */
  readonly ticketId: string;
  readonly eventId: string;
  readonly orderId: string;
  readonly seatId: string;
  /** Signed token (ticket-tokens.ts); the QR code shows it, the door scanner verifies it. */
  readonly token: string;
  readonly state: TicketState;
  /** Epoch ms. */
  readonly issuedAt: number;
  /** Epoch ms, when VOIDED. */
  readonly voidedAt?: number;
  /** Epoch ms, when a door admitted it (set once, by a conditional write: check-in.ts). */
  readonly checkedInAt?: number;
  /** The name of the door that admitted it. */
  readonly checkedInBy?: string;
  /** Epoch ms, when an operator refunded this one ticket (refund-ticket.ts; voided in the same write). */
  readonly refundedAt?: number;
  /** What that refund gives back (its price, fixed when voided, so every retry refunds the same). */
  readonly refundCents?: number;
  /** Who refunded it (the operator's id). */
  readonly refundedBy?: string;
}
