import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Store } from '../platform/store';
import type { WaitingRoomSettings } from './settings';

/**
 * Places in the queue. A buyer's place is written once, on the buyer's item in the buyers table,
 * and never changes: joining again (refresh, retry, a second tab) returns the same position.
 *
 * Positions come from counter items (`#position-counter#<shard>`): shard k's n-th join gets
 * position (n - 1) × shards + k + 1, so with one shard positions are exactly 1, 2, 3, … and with
 * several they interleave (each shard takes its own share of the partition write limit).
 */

export interface WaitingRoomPlace {
  readonly buyerId: string;
  readonly position: number;
  /** Epoch ms of the first join. */
  readonly joinedAt: number;
  /** Epoch ms of the admission, once the queue served this place. */
  readonly admittedAt?: number;
  /** Epoch ms the buyer left the line, if they did. */
  readonly leftAt?: number;
}

const COUNTER_PREFIX = '#position-counter#';

export async function claimPosition(
  store: Store,
  eventId: string,
  buyerId: string,
  settings: WaitingRoomSettings,
): Promise<WaitingRoomPlace> {
  const existing = await readPlace(store, eventId, buyerId);
  if (existing) return existing;
  const position = await nextPosition(store, eventId, settings.positionShards);
  const joinedAt = store.now();
  try {
    await store.doc.send(
      new UpdateCommand({
        TableName: store.tables.buyers,
        Key: { eventId, buyerId },
        UpdateExpression: 'SET #position = :position, joinedAt = :joinedAt',
        // A concurrent join by the same buyer may have won: its position stands (ours is a gap).
        ConditionExpression: 'attribute_not_exists(#position)',
        ExpressionAttributeNames: { '#position': 'position' },
        ExpressionAttributeValues: { ':position': position, ':joinedAt': joinedAt },
      }),
    );
    return { buyerId, position, joinedAt };
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    const winner = await readPlace(store, eventId, buyerId);
    if (!winner) throw error;
    return winner;
  }
}

export async function readPlace(store: Store, eventId: string, buyerId: string): Promise<WaitingRoomPlace | undefined> {
  const { Item } = await store.doc.send(
    new GetCommand({ TableName: store.tables.buyers, Key: { eventId, buyerId }, ConsistentRead: true }),
  );
  if (typeof Item?.position !== 'number') return undefined;
  const { admittedAt, leftAt } = Item as { admittedAt?: number; leftAt?: number };
  return {
    buyerId,
    position: Item.position,
    joinedAt: Item.joinedAt as number,
    ...(admittedAt === undefined ? {} : { admittedAt }),
    ...(leftAt === undefined ? {} : { leftAt }),
  };
}

/** Positions handed out so far (the highest position any counter has issued). */
export async function issuedPositions(store: Store, eventId: string, shards: number): Promise<number> {
  const counts = await Promise.all(
    Array.from({ length: shards }, async (_, shard) => {
      const { Item } = await store.doc.send(
        new GetCommand({ TableName: store.tables.buyers, Key: { eventId, buyerId: `${COUNTER_PREFIX}${shard}` } }),
      );
      const issued = (Item?.issued as number | undefined) ?? 0;
      return issued === 0 ? 0 : (issued - 1) * shards + shard + 1;
    }),
  );
  return Math.max(0, ...counts);
}

async function nextPosition(store: Store, eventId: string, shards: number): Promise<number> {
  const shard = Math.floor(store.random() * shards);
  const result = await store.doc.send(
    new UpdateCommand({
      TableName: store.tables.buyers,
      Key: { eventId, buyerId: `${COUNTER_PREFIX}${shard}` },
      UpdateExpression: 'ADD issued :one',
      ExpressionAttributeValues: { ':one': 1 },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  const issued = result.Attributes?.issued as number;
  return (issued - 1) * shards + shard + 1;
}
