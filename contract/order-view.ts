/**
 * The order as its buyer sees it (docs/API.md, "Orders"): shared by the API, the live updates and
 * the browser. Types only.
 */

export type OrderStatus =
  /** Seats held; waiting for the buyer to pay, change seats or cancel. */
  | 'HOLDING'
  /** The buyer asked to pay; the payment task is running. */
  | 'PAYING'
  | 'CONFIRMED'
  | 'EXPIRED'
  | 'CANCELLED'
  | 'FAILED';

/** What the buyer sees of the payment, written as it happens. */
export type PaymentStatus = 'idle' | 'trying' | 'retrying' | 'failed' | 'succeeded';

export type NotificationResult = 'sent' | 'failed';

/** VALID until its order is refunded, compensated or reset; a VOIDED ticket never verifies again. */
export type TicketState = 'VALID' | 'VOIDED';

/**
 * A ticket as its buyer sees it: the signed token is what the QR code shows (rendered where it is
 * shown, from the token; `GET /api/orders/{orderId}/tickets/{ticketId}/qr` returns it as a PNG).
 */
export interface TicketView {
  readonly ticketId: string;
  readonly seatId: string;
  readonly token: string;
  readonly state: TicketState;
  /** What the seat cost (its row's price level); on the tickets link's answer and the PDF. */
  readonly priceCents?: number;
}

/**
 * What the order's own buyer sees of an order, over HTTP and over WebSocket alike: no task
 * token, no execution ARN, no charge id — nothing that lets anyone act around the API.
 */
export interface OrderView {
  readonly orderId: string;
  readonly eventId: string;
  readonly status: OrderStatus;
  readonly seatIds: readonly string[];
  /** Epoch ms; the countdown runs to this while the order waits for the buyer. */
  readonly holdExpiresAt: number;
  /**
   * Epoch ms, set by a pay request: the payment runs at most until then (the seats are held that
   * long); the countdown shows it while PAYING.
   */
  readonly paymentDeadline?: number;
  readonly amountCents: number;
  readonly currency: string;
  readonly payment: {
    readonly status: PaymentStatus;
    readonly round: number;
    readonly attempt: number;
    readonly lastError?: string;
  };
  /** Read from the tickets' own items: present once the order has tickets (VALID or VOIDED). */
  readonly tickets?: readonly TicketView[];
  readonly notifications?: { readonly email?: NotificationResult; readonly sms?: NotificationResult };
  readonly lastChangeError?: string;
  readonly failureReason?: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Grows with every write: a client keeps the view with the highest version. */
  readonly version: number;
}
