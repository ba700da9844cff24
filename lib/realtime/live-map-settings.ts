import { LIVE_MAP_SHARD_COUNT } from '../../contract/ws-routes';

/**
 * The live-map settings every function that shards an event's viewers must agree on, from one
 * place: the stack gives the same object to subscribe and disconnect (LiveWebSocket), the
 * broadcaster, the tick builder, the shard worker and the sweep (LiveMap). A function left on its
 * own default would still agree today, but a changed count given to some of them only would
 * publish to shards nobody joined.
 */
export function liveMapSettings(shards: number = LIVE_MAP_SHARD_COUNT): Readonly<Record<string, string>> {
  return { LIVE_MAP_SHARDS: String(shards) };
}
