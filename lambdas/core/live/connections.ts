import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { writeIf } from '../platform/conditional-write';
import { batchGetAll } from '../platform/pages';
import type { Store } from '../platform/store';
import {
  CONNECTION_TTL_SECONDS,
  type ConnectionItem,
  type ConnectionRepository,
  newConnection,
} from './connection-repository';

export type { ConnectionItem, ConnectionRepository } from './connection-repository';
export { CONNECTION_TTL_SECONDS } from './connection-repository';

/**
 * The connections table behind the `ConnectionRepository` port (DynamoDB adapter). No index: a
 * buyer's sockets are in the buyer's set, an event's viewers in its seat-map shards — each index
 * cost every connection write that touched it one more write unit (issue #13).
 */

/** A subscribe applies only to a connection still recorded. */
const CONNECTION_EXISTS = 'attribute_exists(connectionId)';

/**
 * The item holding a buyer's socket ids (a string set `members`), beside the connection items as
 * the live map's `#shard#…` items are: no `eventId` or `buyerId` attribute, so in no index.
 */
export const buyerSocketsKey = (buyerId: string): string => `#buyer#${buyerId}`;

export function connectionRepository(store: Store): ConnectionRepository {
  const table = store.tables.connections;
  return {
    async put(connection) {
      const item = store.doc.send(new PutCommand({ TableName: table, Item: connection }));
      if (connection.buyerId === undefined) {
        await item;
        return;
      }
      // Both at once ($connect's latency is one write): if the item's write fails, $connect fails
      // and the socket is refused, and an id in the set whose socket is gone is only a post that
      // finds it gone (410 → out of the set). Every socket in the set is younger than the set's expiry.
      const joined = store.doc.send(
        new UpdateCommand({
          TableName: table,
          Key: { connectionId: buyerSocketsKey(connection.buyerId) },
          UpdateExpression: 'ADD members :member SET expiresAt = :expiresAt',
          ExpressionAttributeValues: {
            ':member': new Set([connection.connectionId]),
            ':expiresAt': Math.floor(store.now() / 1000) + CONNECTION_TTL_SECONDS,
          },
        }),
      );
      await Promise.all([item, joined]);
    },

    async subscribe(connectionId, eventId) {
      return writeIf(
        store,
        new UpdateCommand({
          TableName: table,
          Key: { connectionId },
          UpdateExpression: 'SET eventId = :eventId',
          ConditionExpression: CONNECTION_EXISTS,
          ExpressionAttributeValues: { ':eventId': eventId },
        }),
      );
    },

    async delete(connectionId) {
      await store.doc.send(new DeleteCommand({ TableName: table, Key: { connectionId } }));
    },

    async ofBuyers(buyerIds) {
      const unique = [...new Set(buyerIds)];
      const items = await batchGetAll<{ connectionId: string; members?: Set<string> }>(
        store,
        table,
        unique.map((buyerId) => ({ connectionId: buyerSocketsKey(buyerId) })),
        (item) => item.connectionId,
        (key) => String(key.connectionId),
      );
      const byKey = new Map(items.map((item) => [item.connectionId, item.members]));
      const sockets = new Map<string, string[]>();
      for (const buyerId of unique) {
        const members = byKey.get(buyerSocketsKey(buyerId));
        if (members && members.size > 0) sockets.set(buyerId, [...members]);
      }
      return sockets;
    },

    async leaveBuyer(buyerId, connectionId) {
      await store.doc.send(
        new UpdateCommand({
          TableName: table,
          Key: { connectionId: buyerSocketsKey(buyerId) },
          UpdateExpression: 'DELETE members :member',
          ExpressionAttributeValues: { ':member': new Set([connectionId]) },
        }),
      );
    },
  };
}

// Shorthands for the WebSocket handlers, which hold a Store.

export async function putConnection(
  store: Store,
  connection: { connectionId: string; buyerId?: string; operatorId?: string },
): Promise<ConnectionItem> {
  const item = newConnection(connection, store.now());
  await connectionRepository(store).put(item);
  return item;
}

/** See `ConnectionRepository.subscribe`. */
export function subscribeConnection(store: Store, connectionId: string, eventId: string): Promise<boolean> {
  return connectionRepository(store).subscribe(connectionId, eventId);
}

export function deleteConnection(store: Store, connectionId: string): Promise<void> {
  return connectionRepository(store).delete(connectionId);
}

/** One connection as recorded (a strongly consistent read), or undefined when it is gone. */
export async function getConnection(store: Store, connectionId: string): Promise<ConnectionItem | undefined> {
  const result = await store.doc.send(
    new GetCommand({ TableName: store.tables.connections, Key: { connectionId }, ConsistentRead: true }),
  );
  return result.Item as ConnectionItem | undefined;
}

/** Deletes the connection and returns what it was (to leave its seat-map shard), undefined when already gone. */
export async function forgetConnection(store: Store, connectionId: string): Promise<ConnectionItem | undefined> {
  const result = await store.doc.send(
    new DeleteCommand({ TableName: store.tables.connections, Key: { connectionId }, ReturnValues: 'ALL_OLD' }),
  );
  return result.Attributes as ConnectionItem | undefined;
}
