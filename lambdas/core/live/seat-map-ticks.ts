import type { SeatsMessage } from '../../../contract/live-messages';
import type { Store } from '../platform/store';
import type { SeatItem } from '../seats/seat-item';
import { readSeats } from '../seats/seat-map';
import {
  applySeatImages,
  buildSeatMap,
  readSeatMap,
  type StoredSeatMap,
  tickMessage,
  writeSeatMap,
} from './seat-map-snapshot';

/**
 * One tick of an event's live map: build the next map from the last one and the stream batch's new
 * seat images (once the tick since the last build is over), and when any seat changed, write it as
 * the next version — conditionally on the version read — publish the deltas between the two, and
 * wait out the rest of the tick (so the next batch holds everything written meanwhile). The seat
 * items are re-read (a strongly consistent Query of the event's seats) only when the images do not
 * follow on from the map (a gap), when the batch carries no images, or when this instance has not
 * re-read them for a while.
 *
 * Why this is correct under retries and races: a seat's image is applied only when it is newer
 * than the map's version of that seat, and only when every version in between is there too, so
 * the map never goes back and never skips a change. A retried or duplicated stream batch finds
 * its images already in the map and publishes nothing; two builders racing for one event (stream
 * shards, retries) are ordered by the conditional write — the loser reads the winner's map and
 * applies its images to it; a lost publication leaves viewers one version behind, so the next
 * message's `baseVersion` does not match and they refetch the snapshot. A batch Lambda gave up on
 * (its retries, its maximum age) leaves a gap that the seat's next change reveals, or the next
 * periodic re-read repairs.
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

/** Build times by event, as one function instance saw them, and when it last re-read the seat items. */
export class LastBuilt {
  private readonly times = new Map<string, number>();
  private readonly reads = new Map<string, number>();

  get(eventId: string): number | undefined {
    return this.times.get(eventId);
  }

  set(eventId: string, builtAt: number): void {
    remember(this.times, eventId, builtAt);
  }

  /** When this instance last built the event's map from the seat items themselves. */
  seatsReadAt(eventId: string): number | undefined {
    return this.reads.get(eventId);
  }

  setSeatsReadAt(eventId: string, at: number): void {
    remember(this.reads, eventId, at);
  }
}

function remember(times: Map<string, number>, eventId: string, at: number): void {
  times.delete(eventId);
  times.set(eventId, at);
  // Bounded: events come and go; the oldest entry goes first.
  if (times.size > MAX_EVENTS_REMEMBERED) times.delete(times.keys().next().value as string);
}

/**
 * How often an instance re-reads an event's seat items even when the images follow on: repairs a
 * change whose stream record was given up on (the seat may not change again to reveal the gap).
 */
export const SEATS_REREAD_MS = 10_000;

const MAX_EVENTS_REMEMBERED = 100;

export type TickOutcome =
  | {
      readonly outcome: 'published';
      readonly version: number;
      readonly seats: number;
      /** Whether this build re-read the seat items (else: the map plus the batch's images). */
      readonly reread: boolean;
      /** From the call to the build, ms: the wait for the tick plus the map read(s). */
      readonly buildAfterMs: number;
      /** Of that, waiting for the tick since the last build. */
      readonly tickWaitMs: number;
    }
  | { readonly outcome: 'unchanged'; readonly version: number };

/** Conditional writes lost to another builder before giving up (the batch is then retried). */
const MAX_LOST_RACES = 5;

/**
 * `images`: the batch's new images of this event's seats (in any order, repeats allowed); without
 * them (or empty) the seat items are re-read.
 */
export async function tickSeatMap(
  deps: SeatMapTickDeps,
  eventId: string,
  images: readonly SeatItem[] = [],
): Promise<TickOutcome> {
  const { store } = deps;
  const calledAt = store.now();
  let tickWaitMs = 0;
  for (let race = 0; ; race++) {
    // Another builder (or instance) may have built within the tick: wait for its end first.
    const known = deps.lastBuilt?.get(eventId);
    const early = known === undefined ? 0 : known + deps.tickMs - store.now();
    if (early > 0) {
      tickWaitMs += early;
      await deps.sleep(early);
    }
    let previous = await readSeatMap(store, eventId);
    const wait = previous ? previous.builtAt + deps.tickMs - store.now() : 0;
    if (wait > 0) {
      tickWaitMs += wait;
      await deps.sleep(wait);
      previous = await readSeatMap(store, eventId);
    }
    if (previous) deps.lastBuilt?.set(eventId, previous.builtAt);
    const version = (previous?.version ?? 0) + 1;
    let next =
      previous && images.length > 0 && !rereadDue(deps, eventId)
        ? applySeatImages(previous, images, version, store.now())
        : undefined;
    const reread = next === undefined;
    if (!next) {
      const seats = await readSeats(store, eventId, { consistent: true });
      if (seats.length === 0) return { outcome: 'unchanged', version: previous?.version ?? 0 };
      next = buildSeatMap(eventId, seats, version, store.now());
      deps.lastBuilt?.setSeatsReadAt(eventId, next.builtAt);
    }
    if (previous && sameSeats(previous, next)) return { outcome: 'unchanged', version: previous.version };
    if (await writeSeatMap(store, previous, next)) {
      deps.lastBuilt?.set(eventId, next.builtAt);
      const message = tickMessage(eventId, previous, next);
      await deps.publish(message);
      // The rest of the tick is spent here, not before the next build: the stream records written
      // meanwhile then arrive together in the next batch, which is built as soon as it comes.
      // (Waiting before a build instead would leave whatever arrives during that wait to the tick
      // after: the images of a batch are all a build sees.)
      const rest = next.builtAt + deps.tickMs - store.now();
      if (rest > 0) await deps.sleep(rest);
      return {
        outcome: 'published',
        version: next.version,
        seats: message.seats.length,
        reread,
        buildAfterMs: next.builtAt - calledAt,
        tickWaitMs,
      };
    }
    if (race >= MAX_LOST_RACES) throw new Error(`Seat map of ${eventId}: lost ${race + 1} builds in a row`);
  }
}

/** Without a memory of its builds (tests, callers without one) a builder always re-reads. */
function rereadDue(deps: SeatMapTickDeps, eventId: string): boolean {
  const readAt = deps.lastBuilt?.seatsReadAt(eventId);
  return readAt === undefined || deps.store.now() - readAt >= SEATS_REREAD_MS;
}

function sameSeats(a: StoredSeatMap, b: StoredSeatMap): boolean {
  return a.seatVersions === b.seatVersions && a.states === b.states;
}
