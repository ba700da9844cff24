import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { REQUEST_LIMIT_ENV } from '../../contract/request-limits';
import { createHandler } from '../../lambdas/api/sessions';
import { parseConfig } from '../../lambdas/core/platform/config';
import { createSecrets } from '../../lambdas/core/platform/secrets';
import { createStore, type Store } from '../../lambdas/core/platform/store';
import { tableEnvironment } from '../../local/local-platform';
import { type TestTables, useTestTables } from '../support/local-dynamo';

/**
 * Issue #13: what the per-address limiter costs in DynamoDB writes, counted at the SDK on
 * DynamoDB Local with the real sessions handler (one handler instance: one container). Under a
 * raised limit one address's 1,000 sessions take a handful of counter writes (leases), not one
 * each; at the default limit (20 a minute, lease of 1) it is exact as before: 20 sessions, the
 * 21st refused with `Retry-After`.
 */
describe('limit counter writes of one handler instance', () => {
  let testTables: TestTables;
  const WINDOW_START = Math.floor(Date.now() / 60_000) * 60_000;

  beforeAll(async () => {
    testTables = await useTestTables();
  });

  /** The sessions handler on a store whose SDK calls are counted by command and table; a fixed clock. */
  function sessionsHandler(limit: number, now: number) {
    const plain = createStore(testTables.client, testTables.tables, { now: () => now });
    const tableIds = new Map(Object.entries(testTables.tables).map(([id, name]) => [name, id]));
    const requests: string[] = [];
    const doc = new Proxy(plain.doc, {
      get(target, property, receiver) {
        if (property !== 'send') return Reflect.get(target, property, receiver);
        return (command: { constructor: { name: string }; input: { TableName?: string } }) => {
          requests.push(
            `${command.constructor.name.replace(/Command$/, '')} ${tableIds.get(command.input.TableName ?? '')}`,
          );
          return target.send(command as Parameters<DynamoDBDocumentClient['send']>[0]);
        };
      },
    });
    const store: Store = { ...plain, doc };
    const config = parseConfig({
      ...tableEnvironment(testTables.tables),
      SESSION_SIGNING_KEY: 'limit-writes-test-signing-key-0123456789',
      [REQUEST_LIMIT_ENV.sessions.limit]: String(limit),
    });
    const handle = createHandler({ store, config, secrets: createSecrets(() => config.secrets) });
    const session = (address: string) =>
      handle({
        routeKey: 'POST /api/sessions',
        rawPath: '/api/sessions',
        headers: {},
        requestContext: { http: { method: 'POST', path: '/api/sessions', sourceIp: address } },
        isBase64Encoded: false,
      } as unknown as APIGatewayProxyEventV2) as Promise<APIGatewayProxyStructuredResultV2>;
    return { session, limitWrites: () => requests.filter((r) => r.endsWith(' limits')).length };
  }

  it('1,000 sessions of one address under a raised limit: a handful of counter writes, not 1,000', async () => {
    const { session, limitWrites } = sessionsHandler(10_000_000, WINDOW_START + 1000);
    let created = 0;
    // In waves of 50 at once, as a busy container's event loop sees them (locally; on AWS one at a time).
    for (let wave = 0; wave < 20; wave++) {
      const answers = await Promise.all(Array.from({ length: 50 }, () => session('198.51.100.20')));
      created += answers.filter((answer) => answer.statusCode === 201).length;
    }
    expect(created).toBe(1000);
    expect(limitWrites()).toBeLessThanOrEqual(3);
  });

  it('at the default limit it stays exact: 20 sessions, the 21st refused with Retry-After, the 22nd without a write', async () => {
    const { session, limitWrites } = sessionsHandler(20, WINDOW_START + 1000);
    for (let i = 0; i < 20; i++) expect((await session('198.51.100.21')).statusCode).toBe(201);
    const refused = await session('198.51.100.21');
    expect(refused.statusCode).toBe(429);
    expect(refused.headers?.['retry-after']).toBe('59');
    expect((await session('198.51.100.21')).statusCode).toBe(429);
    // Another address is counted apart.
    expect((await session('198.51.100.22')).statusCode).toBe(201);
    // One write per admitted session (a lease of 1 each), one for the first refusal (which tells
    // the instance the window is full: later refusals of that window cost none), one for the other address.
    expect(limitWrites()).toBe(22);
  });
});
