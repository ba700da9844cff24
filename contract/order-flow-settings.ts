/**
 * Tunables of the order flow and its simulators. A deployment (or a test) sets them through the
 * environment, parsed with their defaults and ranges by lambdas/core/platform/config.ts.
 */

export interface OrderFlowConfig {
  /** Processor attempts per pay request; the state machine's Retry is built from the same number. */
  readonly paymentAttempts: number;
  /** Pay requests per order before it fails for good. */
  readonly paymentRounds: number;
}

export interface PaymentSimulatorConfig {
  readonly declineRate: number;
  readonly latencyMs: number;
  /** Share of attempts that answer too late (after the payment task's timeout). */
  readonly slowRate: number;
  readonly slowLatencyMs: number;
  /**
   * Share of successful charges whose answer is lost: the money is taken, the caller hears a
   * timeout (the fault a lookup by idempotency key exists for). Set by the local fault switch.
   */
  readonly lostAnswerRate: number;
}

export interface NotificationSimulatorConfig {
  readonly emailFailureRate: number;
  readonly smsFailureRate: number;
  readonly latencyMs: number;
  /**
   * The site's public URL (SITE_URL): the tickets link in a message starts with it. Without it the
   * link is the page's path alone.
   */
  readonly siteUrl?: string;
  /**
   * Where the simulated sender also keeps what it sent (NOTIFICATION_OUTBOX_DIR): the local stack
   * sets a folder and lists it at `/_local/outbox`. Unset (as on AWS): messages are only logged.
   */
  readonly outboxDir?: string;
}

/** The payment task's timeout; the simulator's "slow" answers take longer than this. */
export const PAYMENT_TASK_TIMEOUT_SECONDS = 10;
export const PAYMENT_ATTEMPTS = 3;
/** The payment Retry's first wait and its growth (the state machine is built from these). */
export const PAYMENT_RETRY_INTERVAL_SECONDS = 1;
export const PAYMENT_RETRY_BACKOFF_RATE = 2;

/**
 * Room beyond the processor attempts themselves: retries of transient step failures (throttles,
 * a Lambda that died) and confirming the seats after the charge.
 */
const PAYMENT_WINDOW_MARGIN_MS = 15_000;

/**
 * How long a pay request may take, from acceptance to confirmed seats: every attempt running into
 * its task timeout, the backoff between them, plus a margin. A pay request holds its seats at
 * least this long, so a buyer who pressed Pay in time gets the seats or a clear decline.
 */
export const PAYMENT_WINDOW_MS =
  PAYMENT_ATTEMPTS * PAYMENT_TASK_TIMEOUT_SECONDS * 1000 +
  Array.from(
    { length: PAYMENT_ATTEMPTS - 1 },
    (_, i) => PAYMENT_RETRY_INTERVAL_SECONDS * 1000 * PAYMENT_RETRY_BACKOFF_RATE ** i,
  ).reduce((sum, wait) => sum + wait, 0) +
  PAYMENT_WINDOW_MARGIN_MS;

/**
 * A pay request needs this much of the hold left: less, and the seats may lapse (and be taken)
 * before the request reaches the seat locks. Refused with PaymentTooLate instead.
 */
/** The payment task's errors the state machine retries (the processor's error names; a test checks both agree). */
export const PAYMENT_RETRY_ERRORS = ['PaymentDeclined', 'PaymentProcessorUnavailable'] as const;
export type PaymentRetryError = (typeof PAYMENT_RETRY_ERRORS)[number];

export const MIN_HOLD_TO_PAY_MS = 3_000;
