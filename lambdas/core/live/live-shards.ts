import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { writeIf } from '../platform/conditional-write';
import type { Store } from '../platform/store';

/**
 * The viewers of an event, spread over a fixed number of shards: each shard is one item in the
 * connections table (`connectionId` = `#shard#<eventId>#<n>`, a string set `members`), so one
 * tick's delivery is one read per shard by that shard's own worker, never a query of every
 * connection of the event per stream batch. A connection's shard is a hash of its id, so it is the
 * same on every subscribe and disconnect. The shard items are also the event's audience for the
 * waiting room's messages (lambdas/core/live/event-viewers.ts): the table has no index.
 */
export interface LiveShards {
  /**
   * Adds the connection to its shard. With `cap`, only while the shard has fewer members (the
   * per-shard share of the event's socket budget): false when it is full.
   */
  join(eventId: string, shard: number, connectionId: string, cap?: number): Promise<boolean>;
  /** Removes the connection from its shard (nothing when it is not there). */
  leave(eventId: string, shard: number, connectionId: string): Promise<void>;
  /** The shard's connection ids (a strongly consistent read of one item). */
  members(eventId: string, shard: number): Promise<string[]>;
}

/** Stable shard of a connection: FNV-1a of its id, modulo the shard count. */
export function shardOf(connectionId: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < connectionId.length; i++) {
    hash ^= connectionId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % Math.max(1, shards);
}

/** A shard's share of the event's socket budget (at least one). */
export function shardCap(socketViewers: number, shards: number): number {
  return Math.max(1, Math.ceil(socketViewers / Math.max(1, shards)));
}

export const shardKey = (eventId: string, shard: number): string => `#shard#${eventId}#${shard}`;

export function liveShards(store: Store): LiveShards {
  const table = store.tables.connections;
  return {
    async join(eventId, shard, connectionId, cap) {
      return writeIf(
        store,
        new UpdateCommand({
          TableName: table,
          Key: { connectionId: shardKey(eventId, shard) },
          UpdateExpression: 'ADD members :member',
          ...(cap === undefined
            ? { ExpressionAttributeValues: { ':member': new Set([connectionId]) } }
            : {
                // A member already in the set may rejoin (a repeated subscribe) even when the shard is full.
                ConditionExpression: 'attribute_not_exists(members) OR size(members) < :cap OR contains(members, :id)',
                ExpressionAttributeValues: { ':member': new Set([connectionId]), ':cap': cap, ':id': connectionId },
              }),
        }),
      );
    },

    async leave(eventId, shard, connectionId) {
      await store.doc.send(
        new UpdateCommand({
          TableName: table,
          Key: { connectionId: shardKey(eventId, shard) },
          UpdateExpression: 'DELETE members :member',
          ExpressionAttributeValues: { ':member': new Set([connectionId]) },
        }),
      );
    },

    async members(eventId, shard) {
      const result = await store.doc.send(
        new GetCommand({ TableName: table, Key: { connectionId: shardKey(eventId, shard) }, ConsistentRead: true }),
      );
      const members = result.Item?.members as Set<string> | undefined;
      return members ? [...members] : [];
    },
  };
}
