import type { Store } from './store';

/**
 * Reads of one key shared by a process's requests: requests that ask while a read of the key is on
 * the wire wait for that read instead of sending their own (single flight), and its answer serves
 * every request for `ttlMs` after the read was **sent** (so nothing served is older than that).
 * A failed read is not kept: its waiters get its error, the next request reads afresh.
 *
 * Why: in a drop hundreds of buyers ask a container the same question (the event, its seats left)
 * within a second; one read answers them all. On AWS a Lambda container serves one request at a
 * time, so there the saving is the `ttlMs` reuse; a process serving requests side by side (the
 * local stack) also shares the reads in flight.
 */

export interface SharedReads<V> {
  /** The value of `key`: kept, in flight, or read now with `read`. */
  get(key: string, read: () => Promise<V>): Promise<V>;
  /** Drops what is kept of `key` (this process just wrote it): the next request reads afresh. */
  forget(key: string): void;
}

interface Kept<V> {
  readonly value: Promise<V>;
  /** Sent at: reused while `now() < sentAt + ttlMs` and the read did not fail. */
  readonly sentAt: number;
}

/** Keys kept at most: past it the oldest go (a container sells a few events at once). */
const MAX_KEYS = 256;

export function sharedReads<V>(now: () => number, ttlMs: number): SharedReads<V> {
  const kept = new Map<string, Kept<V>>();
  return {
    get(key, read) {
      const known = kept.get(key);
      if (known && now() < known.sentAt + ttlMs) return known.value;
      const sentAt = now();
      const entry: Kept<V> = { value: read(), sentAt };
      kept.delete(key); // re-inserted last: the map's order is the age order
      kept.set(key, entry);
      if (kept.size > MAX_KEYS) kept.delete(kept.keys().next().value as string);
      entry.value.catch(() => {
        if (kept.get(key) === entry) kept.delete(key);
      });
      return entry.value;
    },
    forget(key) {
      kept.delete(key);
    },
  };
}

/**
 * Shared reads kept per store: a Lambda container's platform has one store (so: per container on
 * AWS), the local stack one per stack. Each call site makes its own kind.
 */
export function sharedReadsPerStore<V>(ttlMs: number): (store: Store) => SharedReads<V> {
  const byStore = new WeakMap<Store, SharedReads<V>>();
  return (store) => {
    let reads = byStore.get(store);
    if (!reads) {
      reads = sharedReads<V>(store.now, ttlMs);
      byStore.set(store, reads);
    }
    return reads;
  };
}
