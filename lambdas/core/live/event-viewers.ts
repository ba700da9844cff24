import { batchGetAll } from '../platform/pages';
import type { Store } from '../platform/store';
import { shardKey } from './live-shards';

/**
 * The connections watching an event: the members of the event's seat-map shards (live-shards.ts),
 * read by key in one strongly consistent batch. A socket watches an event only once it joined its
 * shard (a crowded-out viewer closes its socket and polls), so the shards are exactly the audience
 * an index of the connection items by event would list — without that index, which cost every
 * subscribed socket two write units more (the subscribe and the delete) and was eventually
 * consistent (issue #13).
 */
export async function eventViewers(store: Store, eventId: string, shards: number): Promise<string[]> {
  const keys = Array.from({ length: Math.max(1, shards) }, (_, shard) => ({ connectionId: shardKey(eventId, shard) }));
  const items = await batchGetAll<{ connectionId: string; members?: Set<string> }>(
    store,
    store.tables.connections,
    keys,
    (item) => item.connectionId,
    (key) => String(key.connectionId),
  );
  return [...new Set(items.flatMap((item) => [...(item.members ?? [])]))];
}
