import type { WaitingRoomSettings } from './settings';
import type { WaitingRoomDeps, WaitingRoomPlace } from './waiting-room-repository';

export type { WaitingRoomPlace };

/**
 * Places in the queue. A buyer's place is written once, on the buyer's item in the buyers table,
 * and never changes: joining again (refresh, retry, a second tab) returns the same position.
 *
 * Positions come from counter items (`#position-counter#<shard>`): shard k's n-th join gets
 * position (n - 1) × shards + k + 1, so with one shard positions are exactly 1, 2, 3, … and with
 * several they interleave (each shard takes its own share of the partition write limit).
 */

export async function claimPosition(
  deps: WaitingRoomDeps,
  eventId: string,
  buyerId: string,
  settings: WaitingRoomSettings,
): Promise<WaitingRoomPlace> {
  const existing = await deps.room.readPlace(eventId, buyerId);
  if (existing) return existing;
  const position = await nextPosition(deps, eventId, settings.positionShards);
  const joinedAt = deps.now();
  if (await deps.room.placeBuyer(eventId, buyerId, position, joinedAt)) return { buyerId, position, joinedAt };
  // A concurrent join by the same buyer won: its position stands (ours is a gap).
  const winner = await deps.room.readPlace(eventId, buyerId);
  if (!winner) throw new Error(`The place of ${buyerId} in the queue of ${eventId} vanished while joining`);
  return winner;
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
