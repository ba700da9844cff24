import type { LimitCounter } from '../../../lambdas/core/access/limit-leases';

/** The limits table in memory, with the same rule: take up to `units`, never passing `limit`. */
export class FakeLimitCounter implements LimitCounter {
  readonly counts = new Map<string, { count: number; expiresAtSeconds: number }>();
  /** Every take asked of it, in order (what the DynamoDB adapter would write). */
  readonly takes: { key: string; units: number; granted: number }[] = [];
  /** Set to make the next `take` fail with it (a throttle, a 500). */
  failWith: Error | undefined;

  async take(key: string, units: number, limit: number, expiresAtSeconds: number): Promise<number> {
    if (this.failWith) throw this.failWith;
    const item = this.counts.get(key) ?? { count: 0, expiresAtSeconds };
    const granted = Math.max(0, Math.min(units, limit - item.count));
    this.takes.push({ key, units, granted });
    if (granted > 0) this.counts.set(key, { count: item.count + granted, expiresAtSeconds: item.expiresAtSeconds });
    return granted;
  }
}
