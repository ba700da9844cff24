import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetAll } from '../platform/pages';
import type { Store } from '../platform/store';
import {
  type BuyerSocket,
  buyerSocketMember,
  buyerSocketOf,
  type ConnectionItem,
  type ConnectionRepository,
  connectionExpiry,
  newConnection,
} from './connection-repository';

export type { ConnectionItem, ConnectionRepository } from './connection-repository';
export { CONNECTION_TTL_SECONDS } from './connection-repository';

/**
 * The connections table behind the `ConnectionRepository` port (DynamoDB adapter). No index: a
 * buyer's sockets are in the buyer's set, an event's viewers in its seat-map shards — each index
 * cost every connection write that touched it one more write unit (issue #13).
 */

/**
 * The item holding a buyer's sockets (a string set `members`: `<connection id>#<joined, epoch
 * seconds>`, `buyerSocketMember`), beside the connection items as
 * the live map's `#shard#…` items are: no `eventId` or `buyerId` attribute, so in no index.
 */
export const buyerSocketsKey = (buyerId: string): string => `#buyer#${buyerId}`;

export function connectionRepository(store: Store): ConnectionRepository {
  const table = store.tables.connections;
  return {
    async put(connection) {
      await store.doc.send(new PutCommand({ TableName: table, Item: connection }));
    },

    async joinBuyer(buyerId, connectionId, joinedAt = store.now()) {
      // Every socket in the set is younger than the set's expiry. If the write fails, $connect fails
      // and the socket is refused; an id in the set whose socket is gone is only a post that finds
      // it gone (410 → out of the set).
      await store.doc.send(
        new UpdateCommand({
          TableName: table,
          Key: { connectionId: buyerSocketsKey(buyerId) },
          UpdateExpression: 'ADD members :member SET expiresAt = :expiresAt',
          ExpressionAttributeValues: {
            ':member': new Set([buyerSocketMember({ connectionId, joinedAt })]),
            ':expiresAt': connectionExpiry(store.now()),
          },
        }),
      );
    },

    async watch(connectionId, eventId) {
      // An upsert: a buyer's or anonymous socket has no item before its first subscribe.
      const now = store.now();
      await store.doc.send(
        new UpdateCommand({
          TableName: table,
          Key: { connectionId },
          UpdateExpression:
            'SET eventId = :eventId, connectedAt = if_not_exists(connectedAt, :now), expiresAt = if_not_exists(expiresAt, :expiresAt)',
          ExpressionAttributeValues: { ':eventId': eventId, ':now': now, ':expiresAt': connectionExpiry(now) },
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
      const sockets = new Map<string, BuyerSocket[]>();
      for (const buyerId of unique) {
        const members = byKey.get(buyerSocketsKey(buyerId));
        if (members && members.size > 0) sockets.set(buyerId, [...members].map(buyerSocketOf));
      }
      return sockets;
    },

    async leaveBuyer(buyerId, socket) {
      await store.doc.send(
        new UpdateCommand({
          TableName: table,
          Key: { connectionId: buyerSocketsKey(buyerId) },
          UpdateExpression: 'DELETE members :member',
          ExpressionAttributeValues: { ':member': new Set([buyerSocketMember(socket)]) },
        }),
      );
    },
  };
}

// Shorthands for the WebSocket handlers, which hold a Store.

/**
 * $connect: what a later route or post needs, and nothing more — a buyer's socket joins its
 * buyer's set (the broadcaster's way to it), an operator's socket is recorded (its operator id lets
 * it watch dashboards), an anonymous viewer writes nothing (its first subscribe records it).
 */
export async function recordConnection(
  store: Store,
  connection: { connectionId: string; buyerId?: string; operatorId?: string },
): Promise<void> {
  const connections = connectionRepository(store);
  if (connection.operatorId !== undefined)
    await connections.put(
      newConnection({ connectionId: connection.connectionId, operatorId: connection.operatorId }, store.now()),
    );
  else if (connection.buyerId !== undefined) await connections.joinBuyer(connection.buyerId, connection.connectionId);
}

/** See `ConnectionRepository.watch`. */
export function watchConnection(store: Store, connectionId: string, eventId: string): Promise<void> {
  return connectionRepository(store).watch(connectionId, eventId);
}

export function deleteConnection(store: Store, connectionId: string): Promise<void> {
  return connectionRepository(store).delete(connectionId);
}

/** One connection as recorded (a strongly consistent read), or undefined when it has no item. */
export async function getConnection(store: Store, connectionId: string): Promise<ConnectionItem | undefined> {
  const result = await store.doc.send(
    new GetCommand({ TableName: store.tables.connections, Key: { connectionId }, ConsistentRead: true }),
  );
  return result.Item as ConnectionItem | undefined;
}

/**
 * $disconnect: deletes the connection's item and returns what it was (to leave its seat-map shard
 * or dashboard), undefined when it has none. Most sockets never had one (a buyer's socket that did
 * not watch the map, an anonymous one that never subscribed), and a DeleteItem of an absent item
 * still bills a write unit: a strongly consistent read first (1 RCU, a fifth of a WCU's price)
 * makes their disconnect write nothing.
 */
export async function forgetConnection(store: Store, connectionId: string): Promise<ConnectionItem | undefined> {
  const recorded = await getConnection(store, connectionId);
  if (!recorded) return undefined;
  const result = await store.doc.send(
    new DeleteCommand({ TableName: store.tables.connections, Key: { connectionId }, ReturnValues: 'ALL_OLD' }),
  );
  // What the delete removed: a subscribe between the read and the delete may have switched events.
  return (result.Attributes as ConnectionItem | undefined) ?? recorded;
}
