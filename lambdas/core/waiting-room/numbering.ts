import type { WaitingRoomSettings } from './settings';
import type { Arrival, NumberingBatch, WaitingRoomDeps, WaitingRoomState } from './waiting-room-repository';

/**
 * Position numbers (issue #12 item 5: a join costs at most 2 writes, a duplicate join uses no
 * number). A join puts the buyer in line without a number: one conditional write on the buyer's
 * own item (`enqueue`), which a duplicate join (double click, retry, second tab) cannot repeat, so
 * it never takes a number. The batch writer then numbers the entries in arrival order (join time,
 * ties by buyer id): one write per entry, on the same item. So a join is 2 writes, both on the
 * buyer's item (spread over partitions like the buyers), and there is no counter item at all.
 *
 * The writer's batch is crash-safe like the fair start's draw: it first records the batch (who
 * gets which number, and `issued` past them) on the room item, conditional on its version — so
 * one writer wins each batch and numbers are never handed out twice —, then numbers each entry
 * conditionally (written once), then clears the batch. A writer that died half-way leaves the
 * batch recorded; the next run older than `TAKEOVER_MS` finishes it with the same numbers: no
 * number used twice, none left unused.
 */

/** Entries numbered per batch (the recorded batch lives on the room item: ≈ 60 bytes each). */
const BATCH_SIZE = 100;
/** How many entries are numbered at once. */
const NUMBER_CONCURRENCY = 25;
/** A batch recorded longer ago than this belongs to a writer that died: the next run finishes it. */
const TAKEOVER_MS = 10_000;
/**
 * The oldest entry's own join starts the writer; an entry older than this without a number means
 * that join is gone (or its index view lagged): any caller starts the writer then.
 */
const FIRST_IN_LINE_MS = 1000;
/** Batches one run numbers before it leaves the rest to the next run (a join or poll, the timer). */
const MAX_BATCHES = 20;

/** True while a fair start's draw is still to be done: nobody is numbered before it. */
function drawPending(settings: WaitingRoomSettings, state: WaitingRoomState): boolean {
  return settings.salesStartAt !== undefined && !state.draw?.complete;
}

/**
 * Numbers the entries in line, batch by batch, and returns the room after it. Called by a join
 * (for `buyerId`, its own entry), a status read of an entry still without a number, and the room
 * timer (no buyer). One writer at a time: while another writer's batch is recorded it returns at
 * once, and of the joins waiting only the oldest entry's starts the writer (so a burst of joins
 * does not become a burst of refused room writes); the writer then keeps numbering while the
 * line has entries, each next batch recorded in the same room write that ends the last one.
 */
export async function numberArrivals(
  deps: WaitingRoomDeps,
  eventId: string,
  settings: WaitingRoomSettings,
  buyerId?: string,
): Promise<WaitingRoomState> {
  let state = await deps.room.readState(eventId);
  if (drawPending(settings, state)) return state;
  if (state.numbering) {
    // Another writer's batch, still being written: theirs to finish (and to go on numbering).
    if (deps.now() - state.numbering.at < TAKEOVER_MS) return state;
    await numberBatch(deps, eventId, state.numbering); // its writer died: finished with its numbers
  }
  for (let batches = 0; ; batches++) {
    // After MAX_BATCHES the run only clears its last batch: the rest is the next run's.
    const listed = batches < MAX_BATCHES ? await deps.room.arrivals(eventId, BATCH_SIZE) : [];
    const first = listed[0];
    if (!state.numbering && first && buyerId !== undefined && first.buyerId !== buyerId)
      if (deps.now() - first.joinedAt < FIRST_IN_LINE_MS) return state; // the first one's join runs it
    const arrivals = listed.length > 0 ? await deps.room.confirmArrivals(eventId, listed) : [];
    if (arrivals.length === 0 && !state.numbering) return state;
    // One write: the batch done is cleared and the next one (if any) recorded.
    const written = await recordBatch(deps, eventId, state, arrivals);
    if (!written) return deps.room.readState(eventId); // another writer took over: theirs now
    state = written;
    if (!state.numbering) return state;
    await numberBatch(deps, eventId, state.numbering);
  }
}

/**
 * Ends the batch `read` holds (numbered) and records the next one of `arrivals` (none: only
 * ended), in one write of the room. A write lost to another writer's change of the room (an
 * admission) is redone on a fresh read while the batch is still ours; undefined when it is not
 * (a run that took it for dead finished it, or another writer numbered entries meanwhile).
 */
async function recordBatch(
  deps: WaitingRoomDeps,
  eventId: string,
  read: WaitingRoomState,
  arrivals: readonly Arrival[],
): Promise<WaitingRoomState | undefined> {
  const ours = read.numbering;
  let state = read;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const { numbering: _done, ...rest } = withoutVersion(state);
    const batch = arrivals.length > 0 ? batchOf(state, arrivals, deps.now()) : undefined;
    const next = batch ? { ...rest, issued: batch.from + batch.entries.length - 1, numbering: batch } : rest;
    const at = deps.now();
    if (await deps.room.writeState(state, next, at)) return { ...next, version: state.version + 1, updatedAt: at };
    state = await deps.room.readState(eventId);
    // Ours to redo: our batch still recorded, or (a new one) nobody numbered anything meanwhile.
    const stillOurs = ours
      ? sameBatch(state.numbering, ours)
      : !state.numbering && (state.issued ?? 0) === (read.issued ?? 0);
    if (!stillOurs) return undefined;
  }
  throw new Error(`The queue of ${eventId} stayed too busy to number its line`);
}

/** Room writes a batch's record or end is redone after losing to another writer's. */
const MAX_ATTEMPTS = 20;

function sameBatch(a: NumberingBatch | undefined, b: NumberingBatch): boolean {
  return a?.at === b.at && a.from === b.from;
}

/** The next batch: `arrivals` (in arrival order) numbered after the last number issued. */
function batchOf(state: WaitingRoomState, arrivals: readonly Arrival[], at: number): NumberingBatch {
  return {
    at,
    from: (state.issued ?? 0) + 1,
    entries: arrivals.map(({ buyerId, arrival }) => ({ buyerId, arrival })),
  };
}

/**
 * Numbers every entry of a recorded batch: each write conditional on the entry being unnumbered
 * and still that arrival, so a rerun of a batch writes no number twice.
 */
async function numberBatch(deps: WaitingRoomDeps, eventId: string, batch: NumberingBatch): Promise<void> {
  const at = deps.now();
  for (let from = 0; from < batch.entries.length; from += NUMBER_CONCURRENCY)
    await Promise.all(
      batch.entries
        .slice(from, from + NUMBER_CONCURRENCY)
        .map(({ buyerId, arrival }, i) => deps.room.numberPlace(eventId, buyerId, batch.from + from + i, arrival, at)),
    );
}

function withoutVersion(state: WaitingRoomState) {
  const { version: _version, updatedAt: _updatedAt, ...rest } = state;
  return rest;
}
