import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { TableNames } from '../lib/data/table-specs';
import { ORDER_ENDINGS } from '../lib/queue/queue-consumers';
import { type StreamFaults, type StreamFeed, type StreamHandler, startStreamFeed } from './stream-feed';
import { localDynamoClientConfig } from './tables';

/**
 * The waiting room's stream consumer on the local stack (lib/queue/order-endings.ts on AWS): the
 * orders stream of DynamoDB Local feeds the same handler. Lambda's status filter is not applied
 * here; the handler ignores what is not an ending anyway.
 */
export async function startQueueFeed(
  projectRoot: string,
  dynamoEndpoint: string,
  tables: TableNames,
  faults: StreamFaults = {},
): Promise<StreamFeed> {
  const config = localDynamoClientConfig(dynamoEndpoint);
  const module = (await import(pathToFileURL(join(projectRoot, ORDER_ENDINGS.entry)).href)) as {
    handler: StreamHandler;
  };
  return startStreamFeed({
    dynamo: new DynamoDBClient(config),
    streams: new DynamoDBStreamsClient(config),
    tableNames: [tables[ORDER_ENDINGS.table]],
    handler: module.handler,
    region: String(config.region),
    consumer: 'order-endings',
    settings: ORDER_ENDINGS.eventSource,
    ...faults,
  });
}
