import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { prefixedTableNames, type TableNames } from '../../contract/tables';
import { createTables, localDynamoClientConfig } from '../../local/local-tables';

export interface TestTables {
  readonly client: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  readonly tables: TableNames;
}

/** Endpoint of the run's shared DynamoDB Local (started by test/global-setup.ts). */
export function testDynamoEndpoint(): string {
  return inject('dynamoDbEndpoint');
}

/**
 * A fresh set of tables under a unique prefix on the shared DynamoDB Local, so test files (and
 * suites that call this in their own beforeAll) never see each other's data. Call it in beforeAll:
 * creating tables takes a moment.
 */
export async function useTestTables(): Promise<TestTables> {
  const client = new DynamoDBClient(localDynamoClientConfig(testDynamoEndpoint()));
  const tables = prefixedTableNames(`test-${randomUUID().slice(0, 8)}`);
  await createTables(client, tables);
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return { client, doc, tables };
}
