import { forEachLimited } from '../platform/concurrency';
import { logger } from '../platform/logger';
import type { ConnectionPoster } from './connection-poster';
import type { LiveShards } from './live-shards';

/**
 * One shard worker's part of a tick: the message to every connection of one shard, in parallel.
 * A gone socket (410) leaves its shard and is forgotten; any other failed post is logged and
 * dropped (the viewer's next message will not match its map version, so it refetches). Only a
 * failed read of the shard fails the job, so it is retried.
 */

/** One tick's message for one shard of one event: the payload of a shard worker's invocation. */
export interface ShardJob {
  readonly eventId: string;
  readonly shard: number;
  /** The message, serialized once by the tick builder. */
  readonly data: string;
}

/** Starts a shard worker for a job without waiting for it (Lambda's asynchronous invoke on AWS). */
export interface ShardInvoker {
  invoke(job: ShardJob): Promise<void>;
}

export interface ShardDeliveryDeps {
  readonly shards: LiveShards;
  readonly poster: ConnectionPoster;
  /** Forgets a gone connection's item. */
  readonly forget: (connectionId: string) => Promise<void>;
  /** Posts in flight at once. */
  readonly concurrency?: number;
}

export interface ShardReport {
  readonly sent: number;
  readonly gone: number;
  readonly failedPosts: number;
}

export const SHARD_POST_CONCURRENCY = 32;

export async function deliverToShard(deps: ShardDeliveryDeps, job: ShardJob): Promise<ShardReport> {
  const members = await deps.shards.members(job.eventId, job.shard);
  let sent = 0;
  let gone = 0;
  let failedPosts = 0;
  await forEachLimited(members, deps.concurrency ?? SHARD_POST_CONCURRENCY, async (connectionId) => {
    try {
      if ((await deps.poster.post(connectionId, job.data)) === 'sent') {
        sent++;
        return;
      }
      gone++;
      await deps.shards.leave(job.eventId, job.shard, connectionId);
      await deps.forget(connectionId);
    } catch (error) {
      failedPosts++;
      logger.warn('Could not post to a connection', { connectionId, eventId: job.eventId, error: error as Error });
    }
  });
  return { sent, gone, failedPosts };
}

/** Every shard of the event gets the job, in parallel: delivery time stays that of one shard. */
export async function publishToShards(
  invoker: ShardInvoker,
  eventId: string,
  shards: number,
  data: string,
): Promise<void> {
  await Promise.all(Array.from({ length: shards }, (_, shard) => invoker.invoke({ eventId, shard, data })));
}
