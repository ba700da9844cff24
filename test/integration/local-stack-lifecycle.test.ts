import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { prefixedTableNames, TABLE_SPECS, type TableSpec } from '../../contract/tables';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../local/dynamodb-local';
import { isPortFree } from '../../local/free-port';
import { createTables, localDynamoClientConfig } from '../../local/local-tables';
import { eventually } from '../support/eventually';
import { isProcessGone, runTypeScriptChild } from '../support/processes';

/** Real DynamoDB Local and the real AWS SDK; each test here starts its own instances. */

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const childScript = fileURLToPath(new URL('../fixtures/start-dynamodb-child.ts', import.meta.url));

describe('an in-memory DynamoDB Local with the tables', () => {
  const tables = prefixedTableNames('lifecycle');
  let dynamo: DynamoDbLocal;
  let client: DynamoDBClient;

  beforeAll(async () => {
    dynamo = await startDynamoDbLocal();
    client = new DynamoDBClient(localDynamoClientConfig(dynamo.endpoint));
    await createTables(client, tables);
  });

  afterAll(async () => {
    client?.destroy();
    await dynamo?.stop();
  });

  it('answers on 127.0.0.1, and its pid is the java process', () => {
    expect(dynamo.endpoint).toBe(`http://127.0.0.1:${dynamo.port}`);
    expect(execFileSync('ps', ['-o', 'args=', '-p', String(dynamo.pid)], { encoding: 'utf8' })).toMatch(
      /^java .*DynamoDBLocal\.jar/,
    );
  });

  it('has every table of TABLE_SPECS, with streams exactly where the specs ask for them', async () => {
    const listed = await client.send(new ListTablesCommand({}));
    expect(listed.TableNames).toEqual(expect.arrayContaining(Object.values(tables)));

    for (const spec of TABLE_SPECS) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: tables[spec.id] }));
      expect(Table?.TableStatus).toBe('ACTIVE');
      expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
      expect(Table?.KeySchema?.[0]).toEqual({ AttributeName: spec.partitionKey.name, KeyType: 'HASH' });
      expect(Table?.StreamSpecification?.StreamEnabled ?? false).toBe(spec.stream !== undefined);
      for (const index of spec.globalSecondaryIndexes ?? []) {
        const described = Table?.GlobalSecondaryIndexes?.find((i) => i.IndexName === index.indexName);
        expect(described?.Projection?.ProjectionType).toBe(index.projection ?? 'ALL');
      }
    }
    // Said plainly, because the live seat map depends on it:
    for (const id of ['seats', 'orders'] as const) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: tables[id] }));
      expect(Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
      expect(Table?.LatestStreamArn).toBeTruthy();
    }
  });

  it('creating the tables again is harmless: tables and items stay', async () => {
    const key = { eventId: { S: 'kept' } };
    await client.send(new PutItemCommand({ TableName: tables.events, Item: { ...key, name: { S: 'Kept' } } }));

    await createTables(client, tables);

    const { Item } = await client.send(
      new GetItemCommand({ TableName: tables.events, Key: key, ConsistentRead: true }),
    );
    expect(Item?.name).toEqual({ S: 'Kept' });
  });

  it('enables TTL where a spec asks for it, and creating again leaves it enabled', async () => {
    const specs: TableSpec[] = [
      { id: 'events', partitionKey: { name: 'eventId', type: 'S' }, timeToLiveAttribute: 'expiresAt' },
    ];
    const ttlTables = prefixedTableNames('ttl');

    await createTables(client, ttlTables, specs);
    await createTables(client, ttlTables, specs);

    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: ttlTables.events }));
    expect(ttl.TimeToLiveDescription).toMatchObject({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' });
  });
});

describe('stopping DynamoDB Local', () => {
  it('stop() ends java, frees its port, and may be called again', async () => {
    const dynamo = await startDynamoDbLocal();
    expect(isProcessGone(dynamo.pid)).toBe(false);
    expect(await isPortFree(dynamo.port)).toBe(false);

    await Promise.all([dynamo.stop(), dynamo.stop()]);

    expect(isProcessGone(dynamo.pid)).toBe(true);
    expect(await isPortFree(dynamo.port)).toBe(true);
    await expect(dynamo.stop()).resolves.toBeUndefined();
  });
});

describe('a persisted DynamoDB Local', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = join(await mkdtemp(join(tmpdir(), 'ticketdrop-dynamo-')), 'data');
  });

  afterAll(async () => {
    if (dataDir) await rm(join(dataDir, '..'), { recursive: true, force: true });
  });

  it('keeps tables and items across a stop and a start with the same data folder', async () => {
    const tables = prefixedTableNames('persisted');
    const key = { eventId: { S: 'survivor' } };

    const first = await startDynamoDbLocal({ dataDir });
    const firstClient = new DynamoDBClient(localDynamoClientConfig(first.endpoint));
    try {
      await createTables(firstClient, tables);
      await firstClient.send(new PutItemCommand({ TableName: tables.events, Item: key }));
    } finally {
      firstClient.destroy();
      await first.stop();
    }

    const second = await startDynamoDbLocal({ dataDir });
    const secondClient = new DynamoDBClient(localDynamoClientConfig(second.endpoint));
    try {
      await createTables(secondClient, tables); // what `npm start` does on every start
      const { Item } = await secondClient.send(
        new GetItemCommand({ TableName: tables.events, Key: key, ConsistentRead: true }),
      );
      expect(Item).toEqual(key);
    } finally {
      secondClient.destroy();
      await second.stop();
    }

    const logFile = join(dataDir, 'dynamodb-local.log');
    expect(existsSync(logFile)).toBe(true);
    expect(readFileSync(logFile, 'utf8')).toContain(`Port:\t${second.port}`);
  });
});

describe('without Java', () => {
  it('refuses to start and says how to install it', async () => {
    vi.stubEnv('PATH', '/nonexistent');
    try {
      await expect(startDynamoDbLocal()).rejects.toThrow(/apt-get install -y default-jre-headless/);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('DynamoDB Local dies with the process that started it', () => {
  const endings = [
    { parent: 'is killed with SIGKILL', mode: 'wait', signal: 'SIGKILL' },
    { parent: 'is terminated with SIGTERM', mode: 'wait', signal: 'SIGTERM' },
    { parent: 'is interrupted with SIGINT (Ctrl-C)', mode: 'wait', signal: 'SIGINT' },
    { parent: 'exits normally without calling stop()', mode: 'drain', signal: undefined },
  ] as const;

  // Concurrent: each case spends most of its time waiting for a JVM to start.
  it.concurrent.each(endings)('when the parent $parent', async ({ mode, signal }) => {
    const { child, firstLine } = await runTypeScriptChild(childScript, [mode], repoRoot);
    try {
      const { javaPid, port } = JSON.parse(firstLine) as { javaPid: number; port: number };
      expect(isProcessGone(javaPid)).toBe(false);

      if (signal) child.kill(signal);

      await eventually(() => expect(isProcessGone(javaPid)).toBe(true), { timeoutMs: 60_000, intervalMs: 100 });
      expect(await isPortFree(port)).toBe(true);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});
