import { DescribeTableCommand, DynamoDBClient, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { prefixedTableNames, TABLE_SPECS, type TableSpec } from '../../contract/tables';
import { logger } from '../../lambdas/core/platform/logger';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../local/dynamodb-local';
import { createTables, localDynamoClientConfig } from '../../local/local-tables';

/**
 * A persisted local stack keeps its tables across restarts; its indexes follow the specs both
 * ways, so an index dropped from the specs (issue #13: `connections.byBuyer`) stops costing every
 * write one more unit there too.
 */
describe('local tables follow their index specs', () => {
  // A DynamoDB Local of its own: on the run's shared one, busy with every other file's tables,
  // the dropped index stayed DELETING for over a minute twice in full runs (alone: under a second).
  let dynamo: DynamoDbLocal;
  beforeAll(async () => {
    dynamo = await startDynamoDbLocal();
  }, 150_000);
  afterAll(() => dynamo?.stop());

  it('removes an index the specs no longer have from a persisted table', async () => {
    const client = new DynamoDBClient(localDynamoClientConfig(dynamo.endpoint));
    const names = prefixedTableNames(`idx-${Date.now().toString(36)}`);
    const connections = TABLE_SPECS.find((spec) => spec.id === 'connections')!;
    const before: TableSpec = {
      ...connections,
      globalSecondaryIndexes: [
        ...(connections.globalSecondaryIndexes ?? []),
        { indexName: 'byBuyer', partitionKey: { name: 'buyerId', type: 'S' } },
      ],
    };
    await createTables(client, names, [before]);
    await createTables(client, names, [connections]);
    const { Table } = await client.send(new DescribeTableCommand({ TableName: names.connections }));
    expect((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName).sort()).toEqual(
      (connections.globalSecondaryIndexes ?? []).map((index) => index.indexName).sort(),
    );
    client.destroy();
  });

  it('drops and recreates a persisted table whose key the specs changed (tickets under their event), saying so', async () => {
    const client = new DynamoDBClient(localDynamoClientConfig(dynamo.endpoint));
    const names = prefixedTableNames(`key-${Date.now().toString(36)}`);
    const tickets = TABLE_SPECS.find((spec) => spec.id === 'tickets')!;
    // The tickets table as it was before issue #13's change: keyed by ticket id, with `byEvent`.
    const before: TableSpec = {
      id: 'tickets',
      partitionKey: { name: 'ticketId', type: 'S' },
      globalSecondaryIndexes: [
        {
          indexName: 'byEvent',
          partitionKey: { name: 'eventId', type: 'S' },
          sortKey: { name: 'seatId', type: 'S' },
        },
      ],
    };
    await createTables(client, names, [before]);
    await client.send(
      new PutItemCommand({
        TableName: names.tickets,
        Item: { ticketId: { S: 'tkt_old' }, eventId: { S: 'ev' }, seatId: { S: 'A1' } },
      }),
    );
    const warn = vi.spyOn(logger, 'warn');
    try {
      await createTables(client, names, [tickets]);
      expect(warn).toHaveBeenCalledWith(
        expect.stringMatching(/key changed/),
        expect.objectContaining({
          table: names.tickets,
          was: 'ticketId:HASH:S',
          now: 'eventId:HASH:S ticketId:RANGE:S',
        }),
      );
    } finally {
      warn.mockRestore();
    }
    const { Table } = await client.send(new DescribeTableCommand({ TableName: names.tickets }));
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'eventId', KeyType: 'HASH' },
      { AttributeName: 'ticketId', KeyType: 'RANGE' },
    ]);
    expect(Table?.GlobalSecondaryIndexes ?? []).toEqual([]);
    // Dev data: the old items went with the old table.
    expect((await client.send(new ScanCommand({ TableName: names.tickets }))).Items).toEqual([]);
    // Starting again with the same spec leaves the new table (and its items) alone.
    await client.send(
      new PutItemCommand({ TableName: names.tickets, Item: { eventId: { S: 'ev' }, ticketId: { S: 'tkt_new' } } }),
    );
    await createTables(client, names, [tickets]);
    expect((await client.send(new ScanCommand({ TableName: names.tickets }))).Count).toBe(1);
    client.destroy();
  });
});
