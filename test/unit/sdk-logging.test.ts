import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { withoutSdkLogging } from '../../lambdas/core/platform/sdk-logging';
import { createStore } from '../../lambdas/core/platform/store';

const local = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
const loggers = (client: DynamoDBClient) => client.middlewareStack.identify().filter((name) => /logger/i.test(name));

describe('the SDK clients the handlers use carry no logger middleware', () => {
  it('a new client has it (what is taken off)', () => {
    expect(loggers(new DynamoDBClient(local))).toEqual(['loggerMiddleware - initialize']);
  });

  it('withoutSdkLogging takes it off and keeps the client', () => {
    const client = new DynamoDBClient(local);
    expect(withoutSdkLogging(client)).toBe(client);
    expect(loggers(client)).toEqual([]);
  });

  it("the store's client has none", () => {
    const client = new DynamoDBClient(local);
    createStore(client, {} as never);
    expect(loggers(client)).toEqual([]);
  });
});
