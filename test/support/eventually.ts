/**
 * Polling for state that settles asynchronously (a flow moving on, a stream consumer catching up,
 * a process exiting). The bound is generous on purpose: it is there so a broken test ends with a
 * clear error, not to assert how fast anything is — on a busy 2-core machine things are slow.
 */

export interface EventuallyOptions {
  /** How long to keep trying before giving up (default 30 s). */
  readonly timeoutMs?: number;
  /** Pause between two attempts (default 50 ms). */
  readonly intervalMs?: number;
}

export const EVENTUALLY_DEFAULTS = { timeoutMs: 30_000, intervalMs: 50 } as const;

/**
 * Calls `check` until it returns without throwing, and resolves with what it returned. When the
 * time is up, rejects with the error of the last attempt, so the failure names what was still
 * wrong (an `expect` inside `check` gives its usual diff). `check` runs at least once, and once
 * more after the deadline if the deadline passed during a pause.
 */
export async function eventually<T>(check: () => T | Promise<T>, options: EventuallyOptions = {}): Promise<T> {
  const { timeoutMs, intervalMs } = { ...EVENTUALLY_DEFAULTS, ...options };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, Math.max(0, deadline - Date.now()))));
  }
}
