import { STREAM_CONSUMERS, type StreamConsumerSpec } from '../contract/stream-consumers';
import type { TableNames } from '../contract/tables';
import type { Platform } from '../lambdas/wiring/platform';
import { loadHandler } from './handler-loader';
import {
  type StreamFaults,
  type StreamFeed,
  type StreamHandler,
  startStreamFeed,
  streamFeedClients,
} from './stream-feed';

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
  const handler = await loadHandler<StreamHandler>(projectRoot, consumer.entry, platform);
  return startStreamFeed({
    ...streamFeedClients(dynamoEndpoint),
    tableNames: [tables[consumer.table]],
    handler,
    consumer: consumer.name,
    settings: consumer.eventSource,
    ...faults,
  });
}
