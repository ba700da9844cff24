import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { STREAM_CONSUMERS, type StreamConsumerSpec } from '../contract/stream-consumers';
import type { TableNames } from '../contract/tables';
import { withoutSdkLogging } from '../lambdas/core/platform/sdk-logging';
import type { Platform } from '../lambdas/wiring/platform';
import { loadHandler } from './handler-loader';
import { unsignedDynamoClientConfig } from './local-tables';
import { type StreamFaults, type StreamFeed, type StreamHandler, startStreamFeed } from './stream-feed';

/**
 * The stream consumers of contract/stream-consumers.ts on the local stack: DynamoDB Local's stream
 * of each consumer's table feeds the same handler with the same batch settings as on AWS. Lambda's
 * event filters are not applied here; every handler ignores what is not its business anyway.
 */
export function startConsumerFeeds(
  projectRoot: string,
  platform: Platform,
  dynamoEndpoint: string,
  tables: TableNames,
  faults: StreamFaults = {},
  consumers: readonly StreamConsumerSpec[] = STREAM_CONSUMERS,
): Promise<StreamFeed[]> {
  return Promise.all(
    consumers.map((consumer) => startConsumerFeed(consumer, projectRoot, platform, dynamoEndpoint, tables, faults)),
  );
}

async function startConsumerFeed(
  consumer: StreamConsumerSpec,
  projectRoot: string,
  platform: Platform,
  dynamoEndpoint: string,
  tables: TableNames,
  faults: StreamFaults,
): Promise<StreamFeed> {
  const config = unsignedDynamoClientConfig(dynamoEndpoint);
  const handler = await loadHandler<StreamHandler>(projectRoot, consumer.entry, platform);
  return startStreamFeed({
    dynamo: withoutSdkLogging(new DynamoDBClient(config)),
    streams: withoutSdkLogging(new DynamoDBStreamsClient(config)),
    tableNames: [tables[consumer.table]],
    handler,
    region: String(config.region),
    consumer: consumer.name,
    settings: consumer.eventSource,
    ...faults,
  });
}
