import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prefixedTableNames, TABLE_SPECS, type TableSpec } from '../../contract/tables';
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
});
