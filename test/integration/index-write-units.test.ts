import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TableNames } from '../../contract/tables';
import { newConnection } from '../../lambdas/core/live/connection-repository';
import { createStore, type Store } from '../../lambdas/core/platform/store';
import { useTestTables } from '../support/local-dynamo';

/**
 * What the secondary indexes cost each write, as DynamoDB Local reports it (ReturnConsumedCapacity):
 * orders and the payments ledger index keys only, so the many writes that change no index key
 * cost one unit; a ticket is in no index (one unit): it is stored under its event. Issue #13: ≤ 10 WCU per order.
 */
describe('write units of the indexed tables', () => {
  let store: Store;
  let tables: TableNames;

  beforeAll(async () => {
    const test = await useTestTables();
    tables = test.tables;
    store = createStore(test.client, tables);
  });

  const put = async (table: string, item: Record<string, unknown>) =>
    (await store.doc.send(new PutCommand({ TableName: table, Item: item, ReturnConsumedCapacity: 'TOTAL' })))
      .ConsumedCapacity?.CapacityUnits;
  const update = async (table: string, key: Record<string, unknown>, status: string) =>
    (
      await store.doc.send(
        new UpdateCommand({
          TableName: table,
          Key: key,
          UpdateExpression: 'SET #status = :status',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':status': status },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      )
    ).ConsumedCapacity?.CapacityUnits;
  const remove = async (table: string, key: Record<string, unknown>) =>
    (await store.doc.send(new DeleteCommand({ TableName: table, Key: key, ReturnConsumedCapacity: 'TOTAL' })))
      .ConsumedCapacity?.CapacityUnits;

  it('an order: the create writes its keys to byEvent, a status change costs the order item alone', async () => {
    const order = { orderId: 'ord-units', eventId: 'ev-units', createdAt: 1, status: 'HOLDING' };
    expect(await put(tables.orders, order)).toBe(2);
    expect(await update(tables.orders, { orderId: order.orderId }, 'PAYING')).toBe(1);
  });

  it('a ledger entry: a later change of the entry costs no index write', async () => {
    const entry = { idempotencyKey: 'key-units', orderId: 'ord-units', status: 'charged' };
    expect(await put(tables.payments, entry)).toBe(2);
    expect(await update(tables.payments, { idempotencyKey: entry.idempotencyKey }, 'refunded')).toBe(1);
  });

  it('a ticket: under its event, in no index — its put and a later change (check-in, void) one unit each', async () => {
    // An event's tickets are one Query of its partition, not a `byEvent` index (2 units a write).
    const ticket = { ticketId: 'tkt-units', orderId: 'ord-units', eventId: 'ev-units', seatId: 'A1', state: 'VALID' };
    expect(await put(tables.tickets, ticket)).toBe(1);
    expect(await update(tables.tickets, { eventId: ticket.eventId, ticketId: ticket.ticketId }, 'VOIDED')).toBe(1);
  });

  it('a socket watching an event: in no index either (subscribe and delete one unit each)', async () => {
    // An event's viewers are the members of its seat-map shards, not a `byEvent` index of the items.
    const connection = newConnection({ connectionId: 'conn-watching', buyerId: 'buyer-units' }, 0);
    expect(await put(tables.connections, { ...connection })).toBe(1);
    const subscribed = await store.doc.send(
      new UpdateCommand({
        TableName: tables.connections,
        Key: { connectionId: connection.connectionId },
        UpdateExpression: 'SET eventId = :eventId',
        ExpressionAttributeValues: { ':eventId': 'ev-units' },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    expect(subscribed.ConsumedCapacity?.CapacityUnits).toBe(1);
    expect(await remove(tables.connections, { connectionId: connection.connectionId })).toBe(1);
  });

  it("a buyer's socket: its connection item is in no index until it watches an event (put and delete: one unit each)", async () => {
    // The buyer's sockets are found by key in the buyer's `#buyer#` set, not by a `byBuyer` index.
    const connection = newConnection({ connectionId: 'conn-units', buyerId: 'buyer-units' }, 0);
    expect(await put(tables.connections, { ...connection })).toBe(1);
    expect(await remove(tables.connections, { connectionId: connection.connectionId })).toBe(1);
  });
});
