import { forEachLimited } from '../platform/concurrency';
import { logger } from '../platform/logger';
import type { ConnectionPoster } from './connection-poster';
import type { LiveShards } from './live-shards';

/**
 * One shard worker's part of a tick: the message to every connection of one shard, in parallel.
 * A gone socket (410) leaves its shard and is forgotten; any other failed post is logged and
 * dropped (the viewer's next message will not match its map version, so it refetches). Only a
 * failed read of the shard fails the job, so it is retried.
 *
 * The members a worker instance read at its last job of the shard (`known`) get the message at
 * once, while the shard is read again; whoever the read finds and they did not hold gets it when
 * the read returns. So the read is off the path of everyone already watching, and a new subscriber
 * is reached exactly as without the memory: by every tick whose read comes after its join. A
 * socket that disconnected since gets one more post, answered 410 (its leave is idempotent); one
 * found gone is not remembered. A failed read still fails the
 * job; its retry posts again to those already sent to, which ignore a version they hold.
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
  /** The members this worker instance read last, per shard (kept by the instance). */
  readonly known?: KnownMembers;
}

/** The members of each shard as one worker instance last read them (bounded: events come and go). */
export class KnownMembers {
  private readonly members = new Map<string, readonly string[]>();

  get(eventId: string, shard: number): readonly string[] | undefined {
    return this.members.get(shardMembersKey(eventId, shard));
  }

  set(eventId: string, shard: number, members: readonly string[]): void {
    const key = shardMembersKey(eventId, shard);
    this.members.delete(key);
    this.members.set(key, members);
    if (this.members.size > MAX_SHARDS_KNOWN) this.members.delete(this.members.keys().next().value as string);
  }
}

const MAX_SHARDS_KNOWN = 1_000;
const shardMembersKey = (eventId: string, shard: number) => `${eventId}#${shard}`;

export interface ShardReport {
  readonly sent: number;
  readonly gone: number;
  readonly failedPosts: number;
}

export const SHARD_POST_CONCURRENCY = 32;

export async function deliverToShard(deps: ShardDeliveryDeps, job: ShardJob): Promise<ShardReport> {
  const report = { sent: 0, gone: 0, failedPosts: 0 };
  const gone = new Set<string>();
  const postTo = (connectionIds: readonly string[]) =>
    forEachLimited(connectionIds, deps.concurrency ?? SHARD_POST_CONCURRENCY, async (connectionId) => {
      try {
        if ((await deps.poster.post(connectionId, job.data)) === 'sent') {
          report.sent++;
          return;
        }
        report.gone++;
        gone.add(connectionId);
        await deps.shards.leave(job.eventId, job.shard, connectionId);
        await deps.forget(connectionId);
      } catch (error) {
        report.failedPosts++;
        logger.warn('Could not post to a connection', { connectionId, eventId: job.eventId, error: error as Error });
      }
    });
  const known = deps.known?.get(job.eventId, job.shard);
  const reading = deps.shards.members(job.eventId, job.shard);
  // Those already known are not kept waiting for the read (a failed read is rethrown below).
  const early = known ? postTo(known) : Promise.resolve();
  const [read, posted] = await Promise.allSettled([reading, early]);
  if (posted.status === 'rejected') throw posted.reason;
  if (read.status === 'rejected') throw read.reason;
  const members = read.value;
  const reached = new Set(known);
  await postTo(members.filter((connectionId) => !reached.has(connectionId)));
  // A socket found gone has left its shard (the read may have come before it left).
  deps.known?.set(
    job.eventId,
    job.shard,
    members.filter((connectionId) => !gone.has(connectionId)),
  );
  return report;
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
