/** The order record: one buyer's attempt to buy seats of one event, from hold to ticket. */

export type OrderStatus =
  /** Seats held; waiting for the buyer to pay, change seats or cancel. */
  | 'HOLDING'
  /** The buyer asked to pay; the payment task is running. */
  | 'PAYING'
  | 'CONFIRMED'
  | 'EXPIRED'
  | 'CANCELLED'
  | 'FAILED';

export const FINAL_STATUSES: readonly OrderStatus[] = ['CONFIRMED', 'EXPIRED', 'CANCELLED', 'FAILED'];

/** What the buyer sees of the payment, written as it happens. */
export type PaymentStatus = 'idle' | 'trying' | 'retrying' | 'failed' | 'succeeded';

export interface PaymentState {
  readonly status: PaymentStatus;
  /** Pay requests so far (each one is up to MAX_PAYMENT_ATTEMPTS processor attempts). */
  readonly round: number;
  /** Processor attempts within the current round. */
  readonly attempt: number;
  readonly chargeId?: string;
  readonly lastError?: string;
}

export interface Ticket {
  readonly ticketId: string;
  readonly seatId: string;
  /** Signed token the QR code encodes; the door scanner verifies it. */
  readonly token: string;
  /** The QR code as a PNG data URL. */
  readonly qrCode: string;
}

export type NotificationResult = 'sent' | 'failed';

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
  readonly executionArn?: string;
  readonly tickets?: readonly Ticket[];
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

export function isFinal(status: OrderStatus): boolean {
  return FINAL_STATUSES.includes(status);
}
