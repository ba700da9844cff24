/**
 * Tunables of the order flow and its simulators, read from the environment at call time so a
 * deployment (or a test) can change them without code. Defaults follow the prototypes.
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

export function orderFlowConfig(env: NodeJS.ProcessEnv = process.env): OrderFlowConfig {
  return {
    paymentAttempts: PAYMENT_ATTEMPTS,
    paymentRounds: integer(env.PAYMENT_ROUNDS, 3, 1, 10),
  };
}

export function paymentSimulatorConfig(env: NodeJS.ProcessEnv = process.env): PaymentSimulatorConfig {
  return {
    declineRate: rate(env.PAYMENT_DECLINE_RATE, 0.15),
    latencyMs: integer(env.PAYMENT_LATENCY_MS, 2000, 0, 60_000),
    slowRate: rate(env.PAYMENT_SLOW_RATE, 0.02),
    slowLatencyMs: integer(env.PAYMENT_SLOW_LATENCY_MS, (PAYMENT_TASK_TIMEOUT_SECONDS + 2) * 1000, 0, 120_000),
    lostAnswerRate: rate(env.PAYMENT_LOST_ANSWER_RATE, 0),
  };
}

export function notificationSimulatorConfig(env: NodeJS.ProcessEnv = process.env): NotificationSimulatorConfig {
  return {
    emailFailureRate: rate(env.EMAIL_FAILURE_RATE, 0.05),
    smsFailureRate: rate(env.SMS_FAILURE_RATE, 0.05),
    latencyMs: integer(env.NOTIFICATION_LATENCY_MS, 200, 0, 30_000),
  };
}

function rate(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > 1)
    throw new Error(`A rate must be between 0 and 1, not "${raw}"`);
  return value;
}

function integer(raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`Expected a whole number from ${min} to ${max}, not "${raw}"`);
  }
  return value;
}
