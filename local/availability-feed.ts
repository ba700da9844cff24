import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { SEAT_AVAILABILITY } from '../contract/availability-consumers';
import type { TableNames } from '../contract/tables';
import type { Platform } from '../lambdas/wiring/platform';
import { loadHandler } from './handler-loader';
import { localDynamoClientConfig } from './local-tables';
import { type StreamFaults, type StreamFeed, type StreamHandler, startStreamFeed } from './stream-feed';

/**
 * The availability summary's stream consumer on the local stack (lib/seats/availability-consumer.ts
 * on AWS): the seats stream of DynamoDB Local feeds the same handler, with the same batch settings.
 */
export async function startAvailabilityFeed(
  projectRoot: string,
  platform: Platform,
  dynamoEndpoint: string,
  tables: TableNames,
  faults: StreamFaults = {},
): Promise<StreamFeed> {
  const config = localDynamoClientConfig(dynamoEndpoint);
  const handler = await loadHandler<StreamHandler>(projectRoot, SEAT_AVAILABILITY.entry, platform);
  return startStreamFeed({
    dynamo: new DynamoDBClient(config),
    streams: new DynamoDBStreamsClient(config),
    tableNames: [tables[SEAT_AVAILABILITY.table]],
    handler,
    region: String(config.region),
    consumer: 'seat-availability',
    settings: SEAT_AVAILABILITY.eventSource,
    ...faults,
  });
}
