import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLE_ENV, type TableId, type TableNames } from '../../../contract/tables';

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
    doc: DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
    tables,
    now: overrides.now ?? Date.now,
    random: overrides.random ?? Math.random,
  };
}

/**
 * The store a Lambda handler uses: table names from the environment set by the CDK stack (or by
 * the local stack), endpoint and credentials from the SDK's standard configuration chain
 * (e.g. AWS_ENDPOINT_URL_DYNAMODB locally). Handlers never know where they run.
 */
export function storeFromEnv(env: NodeJS.ProcessEnv = process.env): Store {
  const tables = Object.fromEntries(
    Object.entries(TABLE_ENV).map(([id, variable]) => {
      const name = env[variable];
      if (!name) throw new Error(`Missing environment variable ${variable}`);
      return [id, name];
    }),
  ) as Record<TableId, string>;
  return createStore(new DynamoDBClient({}), tables);
}
