import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TableNames } from '../../contract/tables';
import { newConnection } from '../../lambdas/core/live/connection-repository';
import { createStore, type Store } from '../../lambdas/core/platform/store';
import { useTestTables } from '../support/local-dynamo';

/**
 * What the secondary indexes cost each write, as DynamoDB Local reports it (ReturnConsumedCapacity):
 * orders and the payments ledger index keys only, so the many writes that change no index key
 * cost one unit; a ticket carries one index (two units), not two. Issue #13: ≤ 10 WCU per order.
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

  it('a ticket: one index (byEvent), two units', async () => {
    const ticket = { ticketId: 'tkt-units', orderId: 'ord-units', eventId: 'ev-units', seatId: 'A1', state: 'VALID' };
    expect(await put(tables.tickets, ticket)).toBe(2);
  });

  it('a socket watching an event: in no index either (subscribe and delete one unit each)', async () => {
    // An event's viewers are the members of its seat-map shards, not a `byEvent` index of the items.
    const connection = newConnection({ connectionId: 'conn-watching' }, 0);
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

  it("an operator's socket: its connection item is in no index until it watches an event (put and delete: one unit each)", async () => {
    // A buyer's socket has no item at all ($connect only adds it to its buyer's `#buyer#` set:
    // test/integration/connection-writes.test.ts counts what each kind of socket costs).
    const connection = newConnection({ connectionId: 'conn-units', operatorId: 'op-units' }, 0);
    expect(await put(tables.connections, { ...connection })).toBe(1);
    expect(await remove(tables.connections, { connectionId: connection.connectionId })).toBe(1);
  });
});
