import type { EventRecord } from '../events/event-records';
import type { Store } from '../platform/store';

/**
 * What this container last learned of an event that could not fill a request: the event and how
 * many seats its availability summary had left. For SOLD_OUT_MEMO_MS, a best-available request for
 * more seats than that is answered `SoldOut` from here, without the two reads (event, summary).
 *
 * Why: in a drop nine buyers in ten lose, and each loser's two reads were most of the requests a
 * ticket costs (bench:sellout). A container answers one request at a time, so the reads it saves
 * are the repeats within one second of its own; each container still reads at least twice a
 * second while losers keep coming. Only a refusal is remembered: a request the memo cannot refuse
 * reads both afresh, and a hold is still decided by the seat's conditional write alone.
 *
 * The price: for up to a second a seat freed by an expired hold or a released order (≤ what
 * the summary's own stream lag already costs) goes unseen by this container's buyers, and a
 * paused event answers SoldOut rather than "not on sale".
 */
export const SOLD_OUT_MEMO_MS = 1_000;

interface Remembered {
  readonly event: EventRecord;
  readonly freeCount: number;
  readonly until: number;
}

export interface SoldOutMemo {
  /** The event and its seats left, if a request for `quantity` seats is to be refused from memory. */
  recall(eventId: string, quantity: number): { event: EventRecord; freeCount: number } | undefined;
  /** The summary of `event` had `freeCount` seats left (remembered only when it refused a request). */
  remember(event: EventRecord, freeCount: number): void;
}

/** One memo per store: per container on AWS (a Lambda's platform has one), per stack locally. */
const memos = new WeakMap<Store, SoldOutMemo>();

export function soldOutMemoOf(store: Store): SoldOutMemo {
  let memo = memos.get(store);
  if (!memo) {
    memo = soldOutMemo(store.now);
    memos.set(store, memo);
  }
  return memo;
}

export function soldOutMemo(now: () => number, ttlMs = SOLD_OUT_MEMO_MS): SoldOutMemo {
  const byEvent = new Map<string, Remembered>();
  return {
    recall(eventId, quantity) {
      const remembered = byEvent.get(eventId);
      if (!remembered) return undefined;
      if (remembered.until <= now()) {
        byEvent.delete(eventId);
        return undefined;
      }
      return quantity > remembered.freeCount ? { event: remembered.event, freeCount: remembered.freeCount } : undefined;
    },
    remember(event, freeCount) {
      byEvent.set(event.eventId, { event, freeCount, until: now() + ttlMs });
    },
  };
}
