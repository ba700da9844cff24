import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../lambdas/core/platform/config';
import type { Platform } from '../../lambdas/wiring/platform';
import {
  type DynamoDbFaultProxy,
  handlerDynamoEndpoint,
  startDynamoDbFaultProxy,
} from '../../local/faults/dynamodb-fault-proxy';
import { FaultSwitch } from '../../local/faults/fault-switch';
import { createLocalPlatform, tableEnvironment } from '../../local/local-platform';
import { type TestTables, testDynamoEndpoint, useTestTables } from '../support/local-dynamo';

/**
 * The handlers' DynamoDB endpoint on the local stack is chosen per request: the fault proxy while a
 * DynamoDB fault is switched on, DynamoDB Local itself otherwise — one client, no restart, so a test
 * that switches faults on mid-run meets them at its next call.
 */
describe("the handlers' DynamoDB endpoint", () => {
  let tables: TestTables;
  let faults: FaultSwitch;
  let proxy: DynamoDbFaultProxy;
  let platform: Platform;
  let proxyStopped = false;

  beforeAll(async () => {
    tables = await useTestTables();
    faults = new FaultSwitch('off', { environment: {}, settingsEnvironment: {} });
    proxy = await startDynamoDbFaultProxy(testDynamoEndpoint(), faults);
    platform = createLocalPlatform(parseConfig(tableEnvironment(tables.tables)), {
      dynamo: handlerDynamoEndpoint(proxy, testDynamoEndpoint(), faults),
    });
  });

  afterAll(async () => {
    if (!proxyStopped) await proxy?.stop();
  });

  const put = (key: string) =>
    platform.store.doc.send(
      new PutCommand({ TableName: tables.tables.payments, Item: { idempotencyKey: key, outcome: 'PENDING' } }),
    );
  const stored = async (key: string) =>
    (await tables.doc.send(new GetCommand({ TableName: tables.tables.payments, Key: { idempotencyKey: key } }))).Item;

  it('goes through the proxy as soon as a DynamoDB fault is switched on, with the same client', async () => {
    await put('before');
    faults.set({ rates: { 'dynamodb.throttle': 1 } });
    const error = await put('throttled').catch((e: unknown) => e);
    faults.set('off');
    expect((error as Error).name).toBe('ProvisionedThroughputExceededException');
    expect(faults.snapshot().counts['dynamodb.throttle']).toBeGreaterThan(0);
    expect(await stored('throttled')).toBeUndefined();
    await put('after');
    expect(await stored('after')).toBeDefined();
  });

  it('skips the proxy while no DynamoDB fault is on (requests still land with the proxy gone)', async () => {
    faults.set({ rates: { 'api.crash': 1 } }); // other kinds do not need the proxy
    await proxy.stop();
    proxyStopped = true;
    await put('direct');
    faults.set('off');
    expect(await stored('direct')).toBeDefined();
  });
});
