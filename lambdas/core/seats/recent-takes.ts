import type { Store } from '../platform/store';

/**
 * The seats this container has just seen taken, per event: the holds it is writing, the holds it
 * wrote, and seats its holds were refused (someone else holds them). The availability summary
 * trails the seats by the stream's lag, so for that moment it still lists these seats as free;
 * best available leaves them out of its picks (a pick of a seat known taken is a conditional write
 * that can only be refused), and a `SoldOut` count leaves out the ones known held.
 *
 * Only a hint, never a lock: the seat's conditional write still decides every hold. A seat known
 * here too long is at worst offered a moment late, so every mark lapses after RECENT_TAKE_MS, an own
 * hold's mark no later than the hold itself, and a release by this container clears it at once.
 *
 * Why: in a drop the picks of one container's requests (all of them, on the one-process local
 * stack) raced each other for the same few best seats and for seats already taken a second ago
 * — every such refusal was a wasted write and a re-pick, and a buyer who lost every pick had
 * claimed and released the open-order pointer for nothing.
 */
export const RECENT_TAKE_MS = 3_000;

/** Lapsed marks are swept out at most this often per event (a drop marks a few thousand seats). */
const SWEEP_EVERY_MS = 1_000;

export interface RecentTakes {
  /** Holds for these seats are on the wire: no other pick of this container takes them meanwhile. */
  taking(eventId: string, seatIds: readonly string[]): void;
  /** These seats are held now (by a hold of ours until `until`, or by someone else's): left out. */
  taken(eventId: string, seatIds: readonly string[], until?: number): void;
  /** These seats are free again (released here) or were never taken (a hold that failed otherwise). */
  untake(eventId: string, seatIds: readonly string[]): void;
  /** Whether a pick should leave this seat out: being taken, or taken a moment ago. */
  isTaken(eventId: string, seatId: string): boolean;
  /** The seats known held (not those still being written): what a `SoldOut` count leaves out. */
  held(eventId: string): ReadonlySet<string>;
  /** The seats whose holds are being written. */
  beingHeld(eventId: string): ReadonlySet<string>;
}

/** Being written: until the write answers. */
const PENDING = Number.POSITIVE_INFINITY;

export function recentTakes(now: () => number, ttlMs = RECENT_TAKE_MS): RecentTakes {
  const byEvent = new Map<string, { marks: Map<string, number>; sweptAt: number }>();
  const marksOf = (eventId: string) => {
    let entry = byEvent.get(eventId);
    if (!entry) {
      entry = { marks: new Map(), sweptAt: now() };
      byEvent.set(eventId, entry);
    }
    const at = now();
    if (at - entry.sweptAt >= SWEEP_EVERY_MS) {
      entry.sweptAt = at;
      for (const [seatId, until] of entry.marks) if (until <= at) entry.marks.delete(seatId);
    }
    return entry.marks;
  };
  return {
    taking(eventId, seatIds) {
      const marks = marksOf(eventId);
      for (const seatId of seatIds) marks.set(seatId, PENDING);
    },
    taken(eventId, seatIds, until = PENDING) {
      const marks = marksOf(eventId);
      const lapses = Math.min(now() + ttlMs, until);
      for (const seatId of seatIds) marks.set(seatId, lapses);
    },
    untake(eventId, seatIds) {
      const marks = byEvent.get(eventId)?.marks;
      for (const seatId of seatIds) marks?.delete(seatId);
    },
    isTaken(eventId, seatId) {
      const until = byEvent.get(eventId)?.marks.get(seatId);
      return until !== undefined && until > now();
    },
    held(eventId) {
      const at = now();
      const held = new Set<string>();
      for (const [seatId, until] of byEvent.get(eventId)?.marks ?? [])
        if (until !== PENDING && until > at) held.add(seatId);
      return held;
    },
    beingHeld(eventId) {
      const pending = new Set<string>();
      for (const [seatId, until] of byEvent.get(eventId)?.marks ?? []) if (until === PENDING) pending.add(seatId);
      return pending;
    },
  };
}

/** One per store: per container on AWS (a Lambda's platform has one store), per stack locally. */
const byStore = new WeakMap<Store, RecentTakes>();

export function recentTakesOf(store: Store): RecentTakes {
  let takes = byStore.get(store);
  if (!takes) {
    takes = recentTakes(store.now);
    byStore.set(store, takes);
  }
  return takes;
}
