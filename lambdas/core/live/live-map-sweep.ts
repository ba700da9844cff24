import { listEvents } from '../events/event-records';
import { forEachLimited } from '../platform/concurrency';
import { logger } from '../platform/logger';
import type { Store } from '../platform/store';
import { repairAvailability } from '../seats/availability';
import { readSeatMap } from './seat-map-snapshot';
import { type SeatMapTickDeps, type TickOutcome, tickSeatMap } from './seat-map-ticks';

/**
 * The live map's sweep: a repair that does not wait for the next seat change. The tick builder
 * repairs a map only when another stream batch of its event arrives; when the batch it gave up on
 * carried an event's *last* changes (retries exhausted, records too old → the on-failure
 * destination), nothing else ever comes, and the stored map — the snapshot, the pollers, every
 * open socket — stays stale. Every period (AWS: an EventBridge rule, every minute) the sweep
 * builds each live event's map once from the seat items themselves (`tickSeatMap` without images:
 * a strongly consistent re-read) and publishes what changed through the same shard fan-out.
 *
 * Which events: those whose stored map was built within `windowMs` — a sale that is moving. An
 * event whose map has not changed for the window is not read at all, so the cost is bounded by
 * the sales in progress, not by the events ever created: per run one Scan of the events table (one
 * small item per event), per event not setting up one GetItem of its map, and per event in the
 * window one more GetItem and one Query of its seat items (docs/ARCHITECTURE.md, "Live updates").
 *
 * Why this is safe beside the stream builder: it is the same build — written only if the map's
 * version is still the one read (the conditional write orders builders), a seat never goes back,
 * a map already right writes and publishes nothing (`unchanged`). Running it twice at once, or
 * together with the stream, publishes each version once.
 */

/** How long after its map last changed an event is still swept (its sale counts as live). */
export const SWEEP_WINDOW_MS = 30 * 60_000;

/** Events swept at once: each is a Query of up to an event's seat count of items. */
const SWEEP_CONCURRENCY = 4;

export interface LiveMapSweepDeps extends Omit<SeatMapTickDeps, 'publish' | 'lastBuilt'> {
  /** Delivers one tick's message to the event's viewers (the sharded fan-out). */
  readonly publish: (eventId: string, message: Parameters<SeatMapTickDeps['publish']>[0]) => Promise<void>;
  /** After a repair published a new version (e.g. the organizer's dashboard push); must not throw. */
  readonly onRepaired?: (eventId: string) => Promise<void>;
  /** Default `SWEEP_WINDOW_MS`. */
  readonly windowMs?: number;
}

export interface SweptEvent {
  readonly eventId: string;
  /** `published`: the stored map lacked a change and was repaired; `unchanged`: it was right. */
  readonly outcome: TickOutcome['outcome'] | 'failed';
  /** The map version before the sweep and after it. */
  readonly fromVersion?: number;
  readonly version?: number;
  /** Seats the repair changed. */
  readonly seats?: number;
  /** Seats the availability summary had wrong and the sweep set right (absent: none). */
  readonly availabilitySeats?: number;
}

export interface LiveMapSweepSummary {
  /** Events in the events table that are past setting up (each one map read). */
  readonly candidates: number;
  /** What the sweep did for each event whose map changed within the window. */
  readonly swept: readonly SweptEvent[];
}

/** The events whose sale is live: past setting up, with a map built within the window. */
export async function liveEventIds(
  store: Store,
  windowMs: number = SWEEP_WINDOW_MS,
): Promise<{
  readonly candidates: number;
  readonly live: string[];
}> {
  const candidates = (await listEvents(store)).filter((event) => event.status !== 'SETTING_UP');
  const since = store.now() - windowMs;
  const live: string[] = [];
  await forEachLimited(candidates, SWEEP_CONCURRENCY, async ({ eventId }) => {
    const map = await readSeatMap(store, eventId);
    // No map yet: nothing stale to repair (the first read of the event, or the first tick, builds it).
    if (map && map.builtAt >= since) live.push(eventId);
  });
  return { candidates: candidates.length, live };
}

/**
 * One run of the sweep. A failing event is logged and left to the next run; the others go on.
 * Each live event's availability summary is checked against its seat items too (the summary's
 * stream consumer can give up on a batch just like the map's; `repairAvailability`).
 */
export async function sweepLiveMaps(deps: LiveMapSweepDeps): Promise<LiveMapSweepSummary> {
  const { candidates, live } = await liveEventIds(deps.store, deps.windowMs);
  const swept: SweptEvent[] = [];
  await forEachLimited(live, SWEEP_CONCURRENCY, async (eventId) => {
    const map = await sweepMap(deps, eventId);
    const availabilitySeats = await sweepAvailability(deps.store, eventId);
    swept.push(availabilitySeats > 0 ? { ...map, availabilitySeats } : map);
  });
  return { candidates, swept };
}

/** The summary set right where it differs from the seats; the seats it changed (0 on failure: the next run tries again). */
async function sweepAvailability(store: Store, eventId: string): Promise<number> {
  try {
    const repairs = await repairAvailability(store, eventId);
    const seats = repairs.reduce((n, row) => n + row.free.length + row.taken.length, 0);
    if (seats > 0) {
      // The summary's consumer gave up on a batch (or is minutes behind): buyers were told wrong
      // counts, or sold out while seats were free, until now.
      logger.warn('Availability summary repaired by the sweep: it differed from the seats', {
        eventId,
        seats,
        free: repairs.flatMap((row) => row.free),
        taken: repairs.flatMap((row) => row.taken),
      });
    }
    return seats;
  } catch (error) {
    logger.error('Availability sweep failed for an event; the next run tries again', {
      eventId,
      error: error as Error,
    });
    return 0;
  }
}

/** The event's map built from its seat items and published if it changed; what happened. */
async function sweepMap(deps: LiveMapSweepDeps, eventId: string): Promise<SweptEvent> {
  try {
    const tick = await tickSeatMap(
      {
        store: deps.store,
        tickMs: deps.tickMs,
        sleep: deps.sleep,
        publish: (message) => deps.publish(eventId, message),
      },
      eventId,
      [],
    );
    if (tick.outcome === 'unchanged') return { eventId, outcome: 'unchanged', version: tick.version };
    // Each build that changes the map is the next version: the one before is what viewers had.
    const repaired = { eventId, outcome: tick.outcome, fromVersion: tick.version - 1, version: tick.version };
    // Either the stream builder gave up on these changes, or its stream is behind (then it
    // finds them in the map and publishes nothing): an operator tells the two by how often this is.
    logger.warn('Live map repaired by the sweep: the stored map lacked seat changes', {
      ...repaired,
      seats: tick.seats,
    });
    await deps.onRepaired?.(eventId);
    return { ...repaired, seats: tick.seats };
  } catch (error) {
    logger.error('Live map sweep failed for an event; the next run tries again', { eventId, error: error as Error });
    return { eventId, outcome: 'failed' };
  }
}
