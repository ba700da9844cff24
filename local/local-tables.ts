import {
  type AttributeDefinition,
  CreateTableCommand,
  type CreateTableCommandInput,
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  type DynamoDBClientConfig,
  type KeySchemaElement,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  waitUntilTableNotExists,
} from '@aws-sdk/client-dynamodb';
import { type KeyAttribute, TABLE_SPECS, type TableNames, type TableSpec } from '../contract/tables';
import { logger } from '../lambdas/core/platform/logger';

/**
 * Client configuration for a local DynamoDB endpoint: fixed region and dummy static credentials,
 * so local code never looks for (or needs) real AWS credentials.
 */
export function localDynamoClientConfig(endpoint: string): DynamoDBClientConfig {
  return {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
}

/**
 * What the SDK's signer would add, fixed: DynamoDB Local reads the access key and region from the
 * `Authorization` header (they name its database) but checks no signature.
 */
const LOCAL_AUTHORIZATION =
  'AWS4-HMAC-SHA256 Credential=local/20000101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, ' +
  `Signature=${'0'.repeat(64)}`;

/**
 * `localDynamoClientConfig` for the local stack's own clients (its handlers', its stream feeds'),
 * with requests sent unsigned. Signing is SigV4 over every request — a hash of the body, the
 * canonical request, an HMAC chain, and (without a signer given) a new SignatureV4 with a copy of
 * the client's configuration per request — ≈ 4 % of the stack process's time during a sell-out
 * (V8 profile, 2026-12-01) for a check DynamoDB Local never makes. The benchmarks' own clients
 * (the raw-write yardstick, the money audit) keep `localDynamoClientConfig`, signed as before.
 */
export function unsignedDynamoClientConfig(endpoint: DynamoDBClientConfig['endpoint']): DynamoDBClientConfig {
  return {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    signer: {
      sign: async (request) => {
        request.headers.authorization = LOCAL_AUTHORIZATION;
        return request;
      },
    },
  };
}

/**
 * Creates every table of `specs` under the given physical names and waits until each is ACTIVE.
 * Idempotent: an existing table is left as it is (a persisted local stack restarts with its data);
 * only a missing TTL setting or a missing index (one added to the specs since) is added, and an
 * index the specs no longer have is removed (each costs every write that touches it one more unit).
 * A table whose key schema is not the spec's (tickets keyed by `ticketId` before issue #13, now
 * under their event) cannot be altered in place: it is dropped and created anew, its (local, dev)
 * data lost, with a log line saying so — as CDK replaces the table on AWS.
 */
export async function createTables(
  client: DynamoDBClient,
  names: TableNames,
  specs: readonly TableSpec[] = TABLE_SPECS,
): Promise<void> {
  await Promise.all(specs.map((spec) => createTable(client, spec, names[spec.id])));
}

/** The CreateTable request for a spec: on-demand billing, indexes project what the spec says (default all). */
export function createTableInput(spec: TableSpec, tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: attributeDefinitions(spec),
    KeySchema: keySchema(spec.partitionKey, spec.sortKey),
    ...(spec.stream && { StreamSpecification: { StreamEnabled: true, StreamViewType: spec.stream } }),
    ...(spec.globalSecondaryIndexes?.length && {
      GlobalSecondaryIndexes: spec.globalSecondaryIndexes.map((index) => ({
        IndexName: index.indexName,
        KeySchema: keySchema(index.partitionKey, index.sortKey),
        Projection: { ProjectionType: index.projection ?? 'ALL' },
      })),
    }),
  };
}

async function createTable(client: DynamoDBClient, spec: TableSpec, tableName: string): Promise<void> {
  try {
    await client.send(new CreateTableCommand(createTableInput(spec, tableName)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    await waitUntilTableExists({ client, minDelay: 1, maxDelay: 2, maxWaitTime: 60 }, { TableName: tableName });
    if (await recreateIfKeyChanged(client, spec, tableName)) return createTable(client, spec, tableName);
    await addMissingIndexes(client, spec, tableName);
    await removeDroppedIndexes(client, spec, tableName);
  }
  await waitUntilTableExists({ client, minDelay: 1, maxDelay: 2, maxWaitTime: 60 }, { TableName: tableName });
  if (spec.timeToLiveAttribute) await enableTimeToLive(client, tableName, spec.timeToLiveAttribute);
}

/**
 * Drops a persisted table whose key (attribute names, HASH/RANGE, types) is not its spec's; true
 * when it did, so the caller creates it afresh. Local dev data only: no copy is attempted.
 */
async function recreateIfKeyChanged(client: DynamoDBClient, spec: TableSpec, tableName: string): Promise<boolean> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const present = keyDescription(Table?.KeySchema ?? [], Table?.AttributeDefinitions ?? []);
  const wanted = createTableInput(spec, tableName);
  const expected = keyDescription(wanted.KeySchema ?? [], wanted.AttributeDefinitions ?? []);
  if (present === expected) return false;
  logger.warn('Local table key changed: dropping and recreating it, its local data is lost', {
    table: tableName,
    was: present,
    now: expected,
  });
  await client.send(new DeleteTableCommand({ TableName: tableName }));
  await waitUntilTableNotExists({ client, minDelay: 1, maxDelay: 2, maxWaitTime: 60 }, { TableName: tableName });
  return true;
}

/** A table's key as one comparable string, e.g. `eventId:HASH:S ticketId:RANGE:S`. */
export function keyDescription(
  keySchema: readonly KeySchemaElement[],
  attributes: readonly AttributeDefinition[],
): string {
  const typeOf = new Map(attributes.map((a) => [a.AttributeName, a.AttributeType]));
  return keySchema.map((k) => `${k.AttributeName}:${k.KeyType}:${typeOf.get(k.AttributeName) ?? '?'}`).join(' ');
}

/** A persisted table from before an index was added to its spec gets the index (one at a time, as DynamoDB requires). */
async function addMissingIndexes(client: DynamoDBClient, spec: TableSpec, tableName: string): Promise<void> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  const wanted = createTableInput(spec, tableName);
  for (const index of wanted.GlobalSecondaryIndexes ?? []) {
    if (present.has(index.IndexName)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: wanted.AttributeDefinitions,
        GlobalSecondaryIndexUpdates: [
          { Create: { IndexName: index.IndexName, KeySchema: index.KeySchema, Projection: index.Projection } },
        ],
      }),
    );
    await waitUntilTableExists({ client, minDelay: 1, maxDelay: 2, maxWaitTime: 60 }, { TableName: tableName });
  }
}

/** A persisted table from before an index was dropped from its spec loses it (one at a time, as DynamoDB requires). */
async function removeDroppedIndexes(client: DynamoDBClient, spec: TableSpec, tableName: string): Promise<void> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const wanted = new Set((spec.globalSecondaryIndexes ?? []).map((index) => index.indexName));
  for (const index of Table?.GlobalSecondaryIndexes ?? []) {
    if (index.IndexName === undefined || wanted.has(index.IndexName)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: index.IndexName } }],
      }),
    );
    await waitUntilIndexGone(client, tableName, index.IndexName);
  }
}

/** An index being deleted stays listed (`DELETING`) for a moment: the next index change waits for it. */
async function waitUntilIndexGone(client: DynamoDBClient, tableName: string, indexName: string): Promise<void> {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (!(Table?.GlobalSecondaryIndexes ?? []).some((index) => index.IndexName === indexName)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`Index ${indexName} of ${tableName} still there after 60 s`);
}

async function enableTimeToLive(client: DynamoDBClient, tableName: string, attributeName: string): Promise<void> {
  const current = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  const status = current.TimeToLiveDescription?.TimeToLiveStatus;
  // Enabling it twice is an error on DynamoDB, so only a table without TTL gets it.
  if (status === 'ENABLED' || status === 'ENABLING') return;
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { Enabled: true, AttributeName: attributeName },
    }),
  );
}

function keySchema(partitionKey: KeyAttribute, sortKey?: KeyAttribute): KeySchemaElement[] {
  return [
    { AttributeName: partitionKey.name, KeyType: 'HASH' },
    ...(sortKey ? [{ AttributeName: sortKey.name, KeyType: 'RANGE' as const }] : []),
  ];
}

/** Every key attribute of the table and its indexes, once each (DynamoDB rejects duplicates). */
function attributeDefinitions(spec: TableSpec): AttributeDefinition[] {
  const indexKeys = (spec.globalSecondaryIndexes ?? []).flatMap((index) => [index.partitionKey, index.sortKey]);
  const keys = [spec.partitionKey, spec.sortKey, ...indexKeys];
  const types = new Map<string, KeyAttribute['type']>();
  for (const key of keys) {
    if (!key) continue;
    const known = types.get(key.name);
    if (known && known !== key.type) {
      throw new Error(`Table ${spec.id}: key attribute ${key.name} is both ${known} and ${key.type}`);
    }
    types.set(key.name, key.type);
  }
  return [...types].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType }));
}
