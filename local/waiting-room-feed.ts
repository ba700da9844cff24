import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { TableNames } from '../contract/tables';
import { ORDER_ENDINGS } from '../contract/waiting-room-consumers';
import type { Platform } from '../lambdas/wiring/platform';
import { loadHandler } from './handler-loader';
import { localDynamoClientConfig } from './local-tables';
import { type StreamFaults, type StreamFeed, type StreamHandler, startStreamFeed } from './stream-feed';

/**
 * The waiting room's stream consumer on the local stack (lib/waiting-room/slot-release-consumer.ts on AWS): the
 * orders stream of DynamoDB Local feeds the same handler. Lambda's status filter is not applied
 * here; the handler ignores what is not an ending anyway.
 */
export async function startWaitingRoomFeed(
  projectRoot: string,
  platform: Platform,
  dynamoEndpoint: string,
  tables: TableNames,
  faults: StreamFaults = {},
): Promise<StreamFeed> {
  const config = localDynamoClientConfig(dynamoEndpoint);
  const handler = await loadHandler<StreamHandler>(projectRoot, ORDER_ENDINGS.entry, platform);
  return startStreamFeed({
    dynamo: new DynamoDBClient(config),
    streams: new DynamoDBStreamsClient(config),
    tableNames: [tables[ORDER_ENDINGS.table]],
    handler,
    region: String(config.region),
    consumer: 'order-endings',
    settings: ORDER_ENDINGS.eventSource,
    ...faults,
  });
}
