/**
 * AWS answers "too many requests" in several shapes (Step Functions' `ThrottlingException`, DynamoDB's
 * `ProvisionedThroughputExceededException`, a bare 429). The SDK already retries these a few times;
 * where a burst can outlast its retries (thousands of order creates in the same second meeting the
 * StartExecution token bucket), callers retry a little longer with full jitter, so the retries of
 * one burst spread out instead of arriving together again.
 */

const THROTTLE_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
]);

export function isThrottle(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const meta = error as Error & { $metadata?: { httpStatusCode?: number }; $retryable?: { throttling?: boolean } };
  return (
    THROTTLE_NAMES.has(error.name) || meta.$retryable?.throttling === true || meta.$metadata?.httpStatusCode === 429
  );
}

export interface ThrottleRetry {
  /** Tries in all (the first one included). */
  readonly attempts: number;
  readonly baseMs: number;
  readonly capMs: number;
  /** Uniform [0, 1). */
  readonly random: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Runs `call`, retrying throttles only (full jitter: a random wait up to base·2^n, capped); other errors at once. */
export async function retryThrottled<T>(call: () => Promise<T>, retry: ThrottleRetry): Promise<T> {
  const sleep = retry.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isThrottle(error) || attempt >= retry.attempts) throw error;
      await sleep(retry.random() * Math.min(retry.capMs, retry.baseMs * 2 ** (attempt - 1)));
    }
  }
}
