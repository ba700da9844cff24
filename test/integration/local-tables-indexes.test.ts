import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { prefixedTableNames, TABLE_SPECS, type TableSpec } from '../../contract/tables';
import { createTables, localDynamoClientConfig } from '../../local/local-tables';
import { testDynamoEndpoint } from '../support/local-dynamo';

/**
 * A persisted local stack keeps its tables across restarts; its indexes follow the specs both
 * ways, so an index dropped from the specs (issue #13: `connections.byBuyer`) stops costing every
 * write one more unit there too.
 */
describe('local tables follow their index specs', () => {
  it('removes an index the specs no longer have from a persisted table', async () => {
    const client = new DynamoDBClient(localDynamoClientConfig(testDynamoEndpoint()));
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
