import type { NotificationResult, OrderRecord, OrderStatus, PaymentStatus } from './order';

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
  readonly tickets?: readonly {
    readonly ticketId: string;
    readonly seatId: string;
    readonly token: string;
    readonly qrCode: string;
  }[];
  readonly notifications?: { readonly email?: NotificationResult; readonly sms?: NotificationResult };
  readonly lastChangeError?: string;
  readonly failureReason?: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Grows with every write: a client keeps the view with the highest version. */
  readonly version: number;
}

export function toOrderView(order: OrderRecord): OrderView {
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
    ...(order.tickets ? { tickets: order.tickets } : {}),
    ...(order.notifications ? { notifications: order.notifications } : {}),
    ...(order.lastChangeError === undefined ? {} : { lastChangeError: order.lastChangeError }),
    ...(order.failureReason === undefined ? {} : { failureReason: order.failureReason }),
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    version: order.version,
  };
}
