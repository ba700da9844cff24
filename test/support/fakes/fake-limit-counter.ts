import type { LimitCounter } from '../../../lambdas/core/access/request-limits';

/** The limits table in memory, with the same rule: count only while fewer than `limit` were counted. */
export class FakeLimitCounter implements LimitCounter {
  readonly counts = new Map<string, { count: number; expiresAtSeconds: number }>();
  /** Set to make the next `take` fail with it (a throttle, a 500). */
  failWith: Error | undefined;

  async take(key: string, limit: number, expiresAtSeconds: number): Promise<boolean> {
    if (this.failWith) throw this.failWith;
    const item = this.counts.get(key) ?? { count: 0, expiresAtSeconds };
    if (item.count >= limit) return false;
    this.counts.set(key, { count: item.count + 1, expiresAtSeconds: item.expiresAtSeconds });
    return true;
  }
}
