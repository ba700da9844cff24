import {
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  InternalServerError,
  ProvisionedThroughputExceededException,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynamoDbFaultProxy, startDynamoDbFaultProxy } from '../../local/faults/dynamodb-fault-proxy';
import { FaultSwitch } from '../../local/faults/fault-switch';
import { localDynamoClientConfig } from '../../local/local-tables';
import { type TestTables, testDynamoEndpoint, useTestTables } from '../support/local-dynamo';

/**
 * DynamoDB faults through the SDK: the real @aws-sdk/client-dynamodb talks to DynamoDB Local through
 * the fault proxy, as the local stack's handlers do, and meets DynamoDB's own throttle and server
 * error answers — so what runs is the SDK's real retry, not a simulation of it.
 */
describe('the DynamoDB fault proxy', () => {
  let tables: TestTables;
  let faults: FaultSwitch;
  let proxy: DynamoDbFaultProxy;
  let client: DynamoDBClient;

  beforeAll(async () => {
    tables = await useTestTables();
    faults = new FaultSwitch('off', { environment: {}, settingsEnvironment: {} });
    proxy = await startDynamoDbFaultProxy(testDynamoEndpoint(), faults);
    client = new DynamoDBClient(localDynamoClientConfig(proxy.endpoint));
  });

  afterAll(async () => {
    faults?.set('off');
    client?.destroy();
    await proxy?.stop();
  });

  const put = (key: string, sdk = client) =>
    sdk.send(
      new PutItemCommand({
        TableName: tables.tables.payments,
        Item: { idempotencyKey: { S: key }, outcome: { S: 'PENDING' } },
      }),
    );

  it('forwards everything unchanged while faults are off', async () => {
    await put('plain');
    const item = await tables.client.send(
      new GetItemCommand({ TableName: tables.tables.payments, Key: { idempotencyKey: { S: 'plain' } } }),
    );
    expect(item.Item?.outcome).toEqual({ S: 'PENDING' });
  });

  it('throttles a share of calls; the SDK retries them and every write lands, each throttle counted', async () => {
    faults.set({ seed: 2024, rates: { 'dynamodb.throttle': 0.3 } });
    const before = faults.snapshot().counts['dynamodb.throttle'];
    // Enough attempts that no call runs out of them (0.3^10): every throttle here is a retry.
    const patient = new DynamoDBClient({ ...localDynamoClientConfig(proxy.endpoint), maxAttempts: 10 });
    const keys = Array.from({ length: 20 }, (_, i) => `throttled-${i}`);
    const results = await Promise.all(keys.map((key) => put(key, patient)));
    faults.set('off');
    patient.destroy();

    const retries = results.reduce((sum, result) => sum + (result.$metadata.attempts ?? 1) - 1, 0);
    const throttles = faults.snapshot().counts['dynamodb.throttle'] - before;
    expect(throttles).toBeGreaterThan(0);
    expect(retries).toBe(throttles);
    for (const key of keys) {
      const item = await tables.client.send(
        new GetItemCommand({ TableName: tables.tables.payments, Key: { idempotencyKey: { S: key } } }),
      );
      expect(item.Item).toBeDefined();
    }
  });

  it('at rate 1 the SDK gives up after its attempts with ProvisionedThroughputExceededException; nothing is written', async () => {
    faults.set({ rates: { 'dynamodb.throttle': 1 } });
    const before = faults.snapshot().counts['dynamodb.throttle'];
    const error = await put('never').catch((e: unknown) => e);
    faults.set('off');
    expect(error).toBeInstanceOf(ProvisionedThroughputExceededException);
    // Every attempt the SDK made (its default for DynamoDB; 4 in this SDK version) met a throttle.
    const attempts = (error as ProvisionedThroughputExceededException).$metadata.attempts ?? 1;
    expect(attempts).toBeGreaterThan(1);
    expect(faults.snapshot().counts['dynamodb.throttle'] - before).toBe(attempts);
    const item = await tables.client.send(
      new GetItemCommand({ TableName: tables.tables.payments, Key: { idempotencyKey: { S: 'never' } } }),
    );
    expect(item.Item).toBeUndefined();
  });

  it('answers server errors as DynamoDB does (HTTP 500 InternalServerError), retried by the SDK too', async () => {
    faults.set({ rates: { 'dynamodb.error': 1 } });
    const before = faults.snapshot().counts['dynamodb.error'];
    const error = await put('broken').catch((e: unknown) => e);
    faults.set('off');
    expect(error).toBeInstanceOf(InternalServerError);
    const { httpStatusCode, attempts } = (error as InternalServerError).$metadata;
    expect(httpStatusCode).toBe(500);
    expect(attempts).toBeGreaterThan(1);
    expect(faults.snapshot().counts['dynamodb.error'] - before).toBe(attempts);
  });

  it('never fails control-plane calls', async () => {
    faults.set({ rates: { 'dynamodb.throttle': 1, 'dynamodb.error': 1 } });
    const table = await client.send(new DescribeTableCommand({ TableName: tables.tables.payments }));
    faults.set('off');
    expect(table.Table?.TableStatus).toBe('ACTIVE');
  });
});
