import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TableNames } from '../../../contract/tables';
import { withoutSdkLogging } from './sdk-logging';

/**
 * What domain functions need from the outside world: a DynamoDB document client, the physical
 * table names, and a clock (injected so tests can age holds without sleeping).
 */
export interface Store {
  readonly doc: DynamoDBDocumentClient;
  readonly tables: TableNames;
  readonly now: () => number;
  /** Uniform [0, 1); injected so seat picking is reproducible in tests. */
  readonly random: () => number;
}

export function createStore(
  client: DynamoDBClient,
  tables: TableNames,
  overrides: Partial<Pick<Store, 'now' | 'random'>> = {},
): Store {
  return {
    doc: DynamoDBDocumentClient.from(withoutSdkLogging(client), { marshallOptions: { removeUndefinedValues: true } }),
    tables,
    now: overrides.now ?? Date.now,
    random: overrides.random ?? Math.random,
  };
}
