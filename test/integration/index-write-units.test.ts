import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TableNames } from '../../contract/tables';
import { newConnection } from '../../lambdas/core/live/connection-repository';
import { openOrderRepository } from '../../lambdas/core/orders/open-order-store';
import { createStore, type Store } from '../../lambdas/core/platform/store';
import { useTestTables } from '../support/local-dynamo';

/**
 * What the secondary indexes cost each write, as DynamoDB Local reports it (ReturnConsumedCapacity):
 * orders have no index (the claim of the buyer's pointer lists them, in its own write), the
 * payments ledger indexes keys only, so the many writes that change no index key cost one unit; a
 * ticket is in no index (one unit): it is stored under its event. Issue #13: ≤ 10 WCU per order.
 */
interface MeteredOutput {
  readonly ConsumedCapacity?: { readonly CapacityUnits?: number };
}

describe('write units of the indexed tables', () => {
  let store: Store;
  let tables: TableNames;
  let client: DynamoDBClient;

  beforeAll(async () => {
    const test = await useTestTables();
    client = test.client;
    tables = test.tables;
    store = createStore(test.client, tables);
  });

  /** The store, with every request's consumed write units pushed to `units` (as DynamoDB Local reports them). */
  const meteredStore = (base: Store, units: (number | undefined)[]): Store => {
    const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    const send = doc.send.bind(doc) as (command: { input: object }) => Promise<MeteredOutput>;
    doc.send = (async (command: { input: { ReturnConsumedCapacity?: string } }) => {
      command.input.ReturnConsumedCapacity = 'TOTAL';
      const output = await send(command);
      units.push(output.ConsumedCapacity?.CapacityUnits);
      return output;
    }) as typeof doc.send;
    return { ...base, doc };
  };
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

  it('an order: no index, so its create and every change cost the order item alone (one unit each)', async () => {
    // Issue #13: the event's orders are listed on the buyers' items, not by a `byEvent` index.
    const order = { orderId: 'ord-units', eventId: 'ev-units', createdAt: 1, status: 'HOLDING' };
    expect(await put(tables.orders, order)).toBe(1);
    expect(await update(tables.orders, { orderId: order.orderId }, 'PAYING')).toBe(1);
  });

  it("the open-order claim lists the order on the buyer's item in the same write: one unit", async () => {
    const units: (number | undefined)[] = [];
    const metered = meteredStore(store, units);
    const pointers = openOrderRepository(metered);
    const buyer = { eventId: 'ev-units', buyerId: 'buyer-claims' };
    expect(await pointers.claim(buyer, 'ord-first', undefined, 1)).toEqual({ claimed: true });
    await pointers.release(buyer, 'ord-first');
    expect(await pointers.claim(buyer, 'ord-second', undefined, 2)).toEqual({ claimed: true });
    expect(units).toEqual([1, 1, 1]);
    const { Item } = await store.doc.send(new GetCommand({ TableName: tables.buyers, Key: buyer }));
    expect([...((Item?.orderIds as Set<string> | undefined) ?? [])].sort()).toEqual(['ord-first', 'ord-second']);
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
