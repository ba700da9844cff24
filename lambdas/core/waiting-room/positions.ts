import type { WaitingRoomSettings } from './settings';
import type { WaitingRoomDeps, WaitingRoomPlace } from './waiting-room-repository';

export type { WaitingRoomPlace };

/**
 * Places in the queue. A buyer's place is written once, on the buyer's item in the buyers table,
 * and never changes: joining again (refresh, retry, a second tab) returns the same position.
 * Concurrent joins of one buyer take one number between them: a join first claims the buyer's
 * item (`joiningAt`, conditional), and only the claimant counts; the others wait for its place.
 * So positions have no gaps from duplicates, and people ahead and the waiting count are exact.
 *
 * Positions come from counter items (`#position-counter#<shard>`): shard k's n-th join gets
 * position (n - 1) × shards + k + 1, so with one shard positions are exactly 1, 2, 3, … and with
 * several they interleave (each shard takes its own share of the partition write limit).
 */

/**
 * A join claims the buyer's number before taking it; a claim older than this is taken over (the
 * join that made it died between its claim and its place), so a lost join holds the buyer only
 * briefly.
 */
const JOIN_CLAIM_MS = 3000;
/** Waits for a concurrent join of the same buyer (≈ 10 s with the backoff, beyond JOIN_CLAIM_MS). */
const MAX_JOIN_WAITS = 60;

export async function claimPosition(
  deps: WaitingRoomDeps,
  eventId: string,
  buyerId: string,
  settings: WaitingRoomSettings,
): Promise<WaitingRoomPlace> {
  const sleep = deps.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 0; attempt < MAX_JOIN_WAITS; attempt++) {
    const existing = await deps.room.readPlace(eventId, buyerId);
    if (existing) return existing;
    const now = deps.now();
    // Duplicate joins (double click, retries, tabs) use no number: one of them takes it.
    if (await deps.room.startJoin(eventId, buyerId, now, now - JOIN_CLAIM_MS)) {
      const position = await nextPosition(deps, eventId, settings.positionShards);
      const joinedAt = deps.now();
      if (await deps.room.placeBuyer(eventId, buyerId, position, joinedAt)) return { buyerId, position, joinedAt };
      // A join that took over from ours as stale placed the buyer first: its position stands (ours is a gap).
      const winner = await deps.room.readPlace(eventId, buyerId);
      if (!winner) throw new Error(`The place of ${buyerId} in the queue of ${eventId} vanished while joining`);
      return winner;
    }
    // Another join of this buyer is taking the number: its place is ours.
    await sleep(Math.min(10 * 2 ** attempt, 200));
  }
  throw new Error(`The join of ${buyerId} to the queue of ${eventId} stayed in progress too long`);
}

/** Positions handed out so far (the highest position any counter has issued). */
export async function issuedPositions(deps: WaitingRoomDeps, eventId: string, shards: number): Promise<number> {
  const counts = await Promise.all(
    Array.from({ length: shards }, async (_, shard) => {
      const issued = await deps.room.joinsCounted(eventId, shard);
      return issued === 0 ? 0 : positionOf(issued, shard, shards);
    }),
  );
  return Math.max(0, ...counts);
}

async function nextPosition(deps: WaitingRoomDeps, eventId: string, shards: number): Promise<number> {
  const shard = Math.floor(deps.random() * shards);
  return positionOf(await deps.room.countJoin(eventId, shard), shard, shards);
}

const positionOf = (issued: number, shard: number, shards: number) => (issued - 1) * shards + shard + 1;
