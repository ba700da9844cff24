import { deleteConnection } from '../core/live/connections';
import { liveShards } from '../core/live/live-shards';
import { deliverToShard, KnownMembers, type ShardJob } from '../core/live/shard-delivery';
import { logger } from '../core/platform/logger';
import { fromEnvironment, type Platform } from '../wiring/platform';

/**
 * The shard worker: one tick's message to the connections of one shard of one event (invoked
 * asynchronously by the tick builder, lambdas/realtime/live-map.ts). Gone sockets leave the shard.
 */
export function createHandler(platform: Pick<Platform, 'store' | 'poster'>) {
  // Kept by the function instance: the shard's last read members are posted to while it is re-read.
  const known = new KnownMembers();
  return async (job: ShardJob): Promise<void> => {
    const { store, poster } = platform;
    const report = await deliverToShard(
      { shards: liveShards(store), poster, forget: (connectionId) => deleteConnection(store, connectionId), known },
      job,
    );
    logger.debug('Delivered a seat-map tick to a shard', { eventId: job.eventId, shard: job.shard, ...report });
  };
}

export const handler = fromEnvironment(createHandler);
