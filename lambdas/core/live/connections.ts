import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { queryAll } from '../platform/pages';
import type { Store } from '../platform/store';

/**
 * Open WebSocket connections: who is connected (buyer or anonymous viewer) and which event each
 * watches, so the broadcaster finds an event's viewers (`byEvent`) and a buyer's sockets (`byBuyer`).
 */

export interface ConnectionItem {
  readonly connectionId: string;
  /** Present when the socket connected with a valid session token. */
  readonly buyerId?: string;
  /** The watched event; absent until the first subscribe. */
  readonly eventId?: string;
  /** Epoch ms. */
  readonly connectedAt: number;
  /** Epoch seconds (DynamoDB TTL): API Gateway closes every WebSocket after 2 h anyway. */
  readonly expiresAt: number;
}

export const CONNECTION_TTL_SECONDS = 2 * 60 * 60;

export async function putConnection(
  store: Store,
  connection: { connectionId: string; buyerId?: string },
): Promise<ConnectionItem> {
  const connectedAt = store.now();
  const item: ConnectionItem = {
    connectionId: connection.connectionId,
    ...(connection.buyerId === undefined ? {} : { buyerId: connection.buyerId }),
    connectedAt,
    expiresAt: Math.floor(connectedAt / 1000) + CONNECTION_TTL_SECONDS,
  };
  await store.doc.send(new PutCommand({ TableName: store.tables.connections, Item: item }));
  return item;
}

/**
 * Makes the connection watch `eventId` (replacing any earlier event). Returns false when the
 * connection is gone: a subscribe racing its own disconnect must not bring the item back.
 */
export async function subscribeConnection(store: Store, connectionId: string, eventId: string): Promise<boolean> {
  try {
    await store.doc.send(
      new UpdateCommand({
        TableName: store.tables.connections,
        Key: { connectionId },
        UpdateExpression: 'SET eventId = :eventId',
        ConditionExpression: 'attribute_exists(connectionId)',
        ExpressionAttributeValues: { ':eventId': eventId },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

export async function deleteConnection(store: Store, connectionId: string): Promise<void> {
  await store.doc.send(new DeleteCommand({ TableName: store.tables.connections, Key: { connectionId } }));
}

/** Connection ids watching an event (GSI: eventually consistent, fine for live updates). */
export function connectionsWatching(store: Store, eventId: string): Promise<string[]> {
  return queryConnectionIds(store, 'byEvent', 'eventId', eventId);
}

/** Connection ids of one buyer's sockets, whatever they watch. */
export function connectionsOfBuyer(store: Store, buyerId: string): Promise<string[]> {
  return queryConnectionIds(store, 'byBuyer', 'buyerId', buyerId);
}

async function queryConnectionIds(
  store: Store,
  indexName: string,
  attribute: string,
  value: string,
): Promise<string[]> {
  const items = await queryAll<{ connectionId: string }>(store, {
    TableName: store.tables.connections,
    IndexName: indexName,
    KeyConditionExpression: '#key = :value',
    ExpressionAttributeNames: { '#key': attribute },
    ExpressionAttributeValues: { ':value': value },
    ProjectionExpression: 'connectionId',
  });
  return items.map((item) => String(item.connectionId));
}
