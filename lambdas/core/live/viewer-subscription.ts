import { openOrderRepository } from '../orders/open-order-store';
import type { LiveMapConfig } from '../platform/config';
import type { Store } from '../platform/store';
import { type ConnectionItem, forgetConnection, getConnection, watchConnection } from './connections';
import { type LiveShards, liveShards, shardCap, shardOf } from './live-shards';

/**
 * A socket starting or stopping to watch an event's seat map: it joins (or leaves) its shard.
 * Anonymous viewers join only while their shard is under its share of the event's socket budget
 * (`socketViewers / shards`: the `@connections` budget, see docs/ARCHITECTURE.md); beyond it they
 * are `crowded` and poll the cached snapshot instead. A buyer with an open order for the event is
 * never crowded out: their socket carries their order and the map while they buy.
 *
 * The socket's connection item is written here (its first subscribe creates it: $connect writes
 * none for a buyer's or an anonymous socket), not conditionally on it existing. So a subscribe that
 * loses the race to its own $disconnect (the disconnect read no item, or deleted it first) leaves a
 * member whose socket is gone, and its item. Accepted rather than closed: closing it would take a
 * write at every $connect or $disconnect (a marker the subscribe checks) — the very write issue #13
 * removes — while such a member already happens on AWS without any race, as $disconnect is best
 * effort. It costs one post: the event's next seat-map tick reaches it, is answered 410, and that
 * takes it out of its shard and deletes its item (shard-delivery.ts), so it counts against the
 * shard's socket budget only until then (test/integration/connection-writes.test.ts).
 */

export type SubscribeOutcome = 'subscribed' | 'crowded';

export interface SubscriptionDeps {
  readonly store: Store;
  readonly liveMap: Pick<LiveMapConfig, 'shards' | 'socketViewers'>;
  readonly shards?: LiveShards;
}

/**
 * `buyerId`: the buyer whose session the subscribe carried (verified by the caller), if any — a
 * buyer with an open order for the event is let in beyond the budget.
 */
export async function subscribeViewer(
  deps: SubscriptionDeps,
  connectionId: string,
  eventId: string,
  buyerId?: string,
): Promise<SubscribeOutcome> {
  const { store, liveMap } = deps;
  const shards = deps.shards ?? liveShards(store);
  const shard = shardOf(connectionId, liveMap.shards);
  // A socket watches one event: switching leaves the other one's shard.
  const watched = (await getConnection(store, connectionId))?.eventId;
  if (watched !== undefined && watched !== eventId) await shards.leave(watched, shard, connectionId);
  const buying =
    buyerId !== undefined && (await openOrderRepository(store).pointer({ eventId, buyerId })) !== undefined;
  const cap = buying ? undefined : shardCap(liveMap.socketViewers, liveMap.shards);
  if (!(await shards.join(eventId, shard, connectionId, cap))) return 'crowded';
  // After the join: a crowded socket (it closes and polls) gets no item, so its $disconnect writes nothing.
  await watchConnection(store, connectionId, eventId);
  return 'subscribed';
}

/** $disconnect: the connection is forgotten and leaves its shard; returns what it was (undefined: it had no item). */
export async function forgetViewer(
  deps: Omit<SubscriptionDeps, 'liveMap'> & { readonly liveMap: Pick<LiveMapConfig, 'shards'> },
  connectionId: string,
): Promise<ConnectionItem | undefined> {
  const forgotten = await forgetConnection(deps.store, connectionId);
  if (forgotten?.eventId === undefined) return forgotten;
  await (deps.shards ?? liveShards(deps.store)).leave(
    forgotten.eventId,
    shardOf(connectionId, deps.liveMap.shards),
    connectionId,
  );
  return forgotten;
}
