import { openOrderRepository } from '../orders/open-order-store';
import type { LiveMapConfig } from '../platform/config';
import type { Store } from '../platform/store';
import { type ConnectionItem, forgetConnection, getConnection, subscribeConnection } from './connections';
import { type LiveShards, liveShards, shardCap, shardOf } from './live-shards';

/**
 * A socket starting or stopping to watch an event's seat map: it joins (or leaves) its shard.
 * Anonymous viewers join only while their shard is under its share of the event's socket budget
 * (`socketViewers / shards`: the `@connections` budget, see docs/ARCHITECTURE.md); beyond it they
 * are `crowded` and poll the cached snapshot instead. A buyer with an open order for the event is
 * never crowded out: their socket carries their order and the map while they buy.
 */

export type SubscribeOutcome = 'subscribed' | 'crowded' | 'gone';

export interface SubscriptionDeps {
  readonly store: Store;
  readonly liveMap: Pick<LiveMapConfig, 'shards' | 'socketViewers'>;
  readonly shards?: LiveShards;
}

export async function subscribeViewer(
  deps: SubscriptionDeps,
  connectionId: string,
  eventId: string,
): Promise<SubscribeOutcome> {
  const { store, liveMap } = deps;
  const shards = deps.shards ?? liveShards(store);
  const connection = await getConnection(store, connectionId);
  if (!connection) return 'gone';
  const shard = shardOf(connectionId, liveMap.shards);
  // A socket watches one event: switching leaves the other one's shard.
  if (connection.eventId !== undefined && connection.eventId !== eventId)
    await shards.leave(connection.eventId, shard, connectionId);
  const buying =
    connection.buyerId !== undefined &&
    (await openOrderRepository(store).pointer({ eventId, buyerId: connection.buyerId })) !== undefined;
  const cap = buying ? undefined : shardCap(liveMap.socketViewers, liveMap.shards);
  if (!(await shards.join(eventId, shard, connectionId, cap))) return 'crowded';
  if (await subscribeConnection(store, connectionId, eventId)) return 'subscribed';
  // Disconnected meanwhile: do not leave it in the shard (a post would only find it gone).
  await shards.leave(eventId, shard, connectionId);
  return 'gone';
}

/** $disconnect: the connection is forgotten and leaves its shard; returns what it was (undefined: gone already). */
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
