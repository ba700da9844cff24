/**
 * Leases on the abuse limits' counters (issue #13): a handler instance (a container on AWS) takes
 * `leaseSize(limit)` units of an address's window from the shared counter with one conditional
 * write, then admits that many requests of the address, action and window from memory. The shared
 * counter never passes the limit — every admitted request was counted there before it was admitted
 * — so no number of instances can admit more than `limit` together; what a lease costs is
 * under-admission only: units an instance leased and never used are lost with the window.
 *
 * - At the default limits (20 sessions, 60 joins, 10 sign-ins a minute) a lease is 1 unit: one
 *   write per request, exact as without leases, nothing stranded.
 * - Under a raised limit (10,000,000 for the benchmarks) one write covers 100,000 requests.
 * - A lease refused because fewer units remain than its size takes what remains (the counter's
 *   `take` grants fewer), so the last units are not stranded by the lease size.
 * - Once the counter says the window is full, the instance refuses that window from memory: a
 *   count only grows within its window, so the answer cannot change (flooding a full window costs
 *   no writes).
 * - Stranded units: an instance holds at most one lease of a key at a time, so at most
 *   `leaseSize(limit) − 1` units per instance, key and window (more only if the key is evicted from
 *   the cache and leased again in the same window). With C instances an address that keeps asking
 *   is admitted at least `limit − C × (leaseSize − 1)` times, and never more than `limit`.
 * - Memory is bounded: entries of ended windows are dropped, and at most `maxKeys` keys are kept
 *   (least recently used out first), so an attacker rotating addresses cannot grow it.
 */

export interface LimitCounter {
  /**
   * Counts up to `units` requests on `key` without its count passing `limit`: all `units` when that
   * many remain, otherwise what remains — 0 when the window is full. Any other failure (a throttle,
   * a timeout) propagates.
   */
  take(key: string, units: number, limit: number, expiresAtSeconds: number): Promise<number>;
}

/**
 * A lease is at most 1/100 of the limit: below a limit of 200 it is 1 (exact, one write per request,
 * as every default is), and an instance can strand at most 1 % of an address's window. 100 keeps
 * the benchmarks' 10,000,000 at 100,000 requests per write, far beyond any run's sessions.
 */
export const LEASE_DIVISOR = 100;

/** Keys one instance keeps (a few hundred KB at most): more than the addresses a container serves in a window. */
export const MAX_LEASED_KEYS = 4096;

export function leaseSize(limit: number): number {
  return Math.max(1, Math.floor(limit / LEASE_DIVISOR));
}

export interface LeaseAsk {
  /** The counter's key: action, address and window (`limitKey`). */
  readonly key: string;
  readonly limit: number;
  /** Epoch ms; the lease is forgotten once it passed. */
  readonly windowEndMs: number;
  /** The counter item's TTL. */
  readonly expiresAtSeconds: number;
  /** Epoch ms. */
  readonly now: number;
}

interface Lease {
  readonly limit: number;
  readonly windowEndMs: number;
  /** Units counted on the shared counter and not yet used here. */
  inHand: number;
  /** The counter said the window is full. */
  full: boolean;
  /** The counter request under way: concurrent requests of the key wait for it instead of leasing again. */
  pending?: Promise<void>;
}

export class LimitLeases {
  /** In order of last use (a Map keeps insertion order): the first entry is the least recently used. */
  private readonly leases = new Map<string, Lease>();
  /** The earliest window end among the entries: no entry can be stale before it. */
  private sweepAtMs = Number.POSITIVE_INFINITY;

  constructor(
    private readonly counter: LimitCounter,
    private readonly maxKeys = MAX_LEASED_KEYS,
  ) {}

  /** Keys held now (for tests and logs). */
  get size(): number {
    return this.leases.size;
  }

  /** True: admitted (a unit of the window was used); false: the window is full. Counter failures propagate. */
  async admit(ask: LeaseAsk): Promise<boolean> {
    this.sweep(ask.now);
    const lease = this.leaseOf(ask);
    for (;;) {
      if (lease.inHand > 0) {
        lease.inHand -= 1;
        return true;
      }
      if (lease.full) return false;
      lease.pending ??= this.renew(lease, ask).finally(() => {
        lease.pending = undefined;
      });
      // Every waiter sees the same outcome: new units (shared out by this loop), full, or the failure.
      await lease.pending;
    }
  }

  private async renew(lease: Lease, ask: LeaseAsk): Promise<void> {
    const granted = await this.counter.take(ask.key, leaseSize(ask.limit), ask.limit, ask.expiresAtSeconds);
    if (granted > 0) lease.inHand += granted;
    else lease.full = true;
  }

  private leaseOf(ask: LeaseAsk): Lease {
    const known = this.leases.get(ask.key);
    this.leases.delete(ask.key);
    // A changed limit (a setting changed while the instance runs) starts afresh: what the old one
    // held or refused says nothing about the new one.
    const lease =
      known?.limit === ask.limit ? known : { limit: ask.limit, windowEndMs: ask.windowEndMs, inHand: 0, full: false };
    if (!known && this.leases.size >= this.maxKeys) {
      const leastRecent = this.leases.keys().next().value;
      if (leastRecent !== undefined) this.leases.delete(leastRecent);
    }
    this.leases.set(ask.key, lease);
    this.sweepAtMs = Math.min(this.sweepAtMs, lease.windowEndMs);
    return lease;
  }

  /** Drops the entries of ended windows: one pass per window end, not per request. */
  private sweep(now: number): void {
    if (now < this.sweepAtMs) return;
    let next = Number.POSITIVE_INFINITY;
    for (const [key, lease] of this.leases) {
      if (lease.windowEndMs <= now) this.leases.delete(key);
      else next = Math.min(next, lease.windowEndMs);
    }
    this.sweepAtMs = next;
  }
}
