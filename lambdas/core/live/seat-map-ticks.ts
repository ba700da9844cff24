import type { SeatsMessage } from '../../../contract/live-messages';
import type { Store } from '../platform/store';
import { readSeats } from '../seats/seat-map';
import { buildSeatMap, readSeatMap, type StoredSeatMap, tickMessage, writeSeatMap } from './seat-map-snapshot';

/**
 * One tick of an event's live map: wait until the tick since the last build is over, then rebuild
 * the map from the seat items (a strongly consistent read), and when any seat changed, write it as
 * the next version — conditionally on the version read — and publish the deltas between the two.
 *
 * Why this is correct under retries and races: the map is a function of the seat items, never of
 * the stream records that woke the builder. A retried or duplicated stream batch rebuilds the same
 * map, finds no change and publishes nothing; two builders racing for one event (stream shards,
 * retries) are ordered by the conditional write — the loser reads the winner's map and builds on
 * it; a lost publication leaves viewers one version behind, so the next message's `baseVersion`
 * does not match and they refetch the snapshot. The stream batch only says "something changed".
 */

export interface SeatMapTickDeps {
  readonly store: Store;
  /** Minimum time between two builds of one event's map, ms. */
  readonly tickMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Delivers one tick's message to every viewer of the event (the sharded fan-out). */
  readonly publish: (message: SeatsMessage) => Promise<void>;
  /**
   * When this builder last saw each event's map built (kept by the function instance): it waits
   * for the tick before reading the map, so a busy event's map is read once per tick, not twice.
   * Only a hint: the map read after the wait still decides (another builder may have built since).
   */
  readonly lastBuilt?: LastBuilt;
}

/** Build times by event, as one function instance saw them. */
export class LastBuilt {
  private readonly times = new Map<string, number>();

  get(eventId: string): number | undefined {
    return this.times.get(eventId);
  }

  set(eventId: string, builtAt: number): void {
    this.times.delete(eventId);
    this.times.set(eventId, builtAt);
    // Bounded: events come and go; the oldest entry goes first.
    if (this.times.size > MAX_EVENTS_REMEMBERED) this.times.delete(this.times.keys().next().value as string);
  }
}

const MAX_EVENTS_REMEMBERED = 100;

export type TickOutcome =
  | { readonly outcome: 'published'; readonly version: number; readonly seats: number }
  | { readonly outcome: 'unchanged'; readonly version: number };

/** Conditional writes lost to another builder before giving up (the batch is then retried). */
const MAX_LOST_RACES = 5;

export async function tickSeatMap(deps: SeatMapTickDeps, eventId: string): Promise<TickOutcome> {
  const { store } = deps;
  for (let race = 0; ; race++) {
    // Changes arriving while we wait join this tick: the reads below come after them.
    const known = deps.lastBuilt?.get(eventId);
    const early = known === undefined ? 0 : known + deps.tickMs - store.now();
    if (early > 0) await deps.sleep(early);
    let previous = await readSeatMap(store, eventId);
    const wait = previous ? previous.builtAt + deps.tickMs - store.now() : 0;
    if (wait > 0) {
      await deps.sleep(wait);
      previous = await readSeatMap(store, eventId);
    }
    if (previous) deps.lastBuilt?.set(eventId, previous.builtAt);
    const seats = await readSeats(store, eventId, { consistent: true });
    if (seats.length === 0) return { outcome: 'unchanged', version: previous?.version ?? 0 };
    const next = buildSeatMap(eventId, seats, (previous?.version ?? 0) + 1, store.now());
    if (previous && sameSeats(previous, next)) return { outcome: 'unchanged', version: previous.version };
    if (await writeSeatMap(store, previous, next)) {
      deps.lastBuilt?.set(eventId, next.builtAt);
      const message = tickMessage(eventId, previous, next);
      await deps.publish(message);
      return { outcome: 'published', version: next.version, seats: message.seats.length };
    }
    if (race >= MAX_LOST_RACES) throw new Error(`Seat map of ${eventId}: lost ${race + 1} builds in a row`);
  }
}

function sameSeats(a: StoredSeatMap, b: StoredSeatMap): boolean {
  return a.seatVersions === b.seatVersions && a.states === b.states;
}
