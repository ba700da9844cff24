import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type _Record,
  type AttributeValue,
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  type GetRecordsOutput,
  GetShardIteratorCommand,
  type Shard,
  type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord, AttributeValue as LambdaAttributeValue } from 'aws-lambda';
import type { StreamEventSourceSettings } from '../contract/stream-settings';
import { logger } from '../lambdas/core/platform/logger';
import { withoutSdkLogging } from '../lambdas/core/platform/sdk-logging';
import type { DeadLetter } from './faults/fault-switch';
import { unsignedDynamoClientConfig } from './local-tables';
import { type BatchFault, deliverBatch, type StreamHandler } from './stream-delivery';

/**
 * The local stand-in for Lambda's DynamoDB stream event source mapping: reads DynamoDB Local's
 * real streams (one poller per table), follows new and child shards, and calls the handler with
 * the `DynamoDBStreamEvent` Lambda would deliver — one call per GetRecords batch, in order per
 * shard. Starts at the streams' current end, so history from before the start is not replayed
 * (like Lambda's StartingPosition LATEST). A failed batch is retried, bisected and finally
 * dead-lettered with the consumer's own event source settings, as Lambda does
 * (local/stream-delivery.ts); the shard waits for it meanwhile.
 */

export type { StreamHandler } from './stream-delivery';

/**
 * The clients a local stream feed reads DynamoDB Local with (the table's stream ARN, GetRecords):
 * unsigned and without the SDK's logger middleware, as the local stack's other clients
 * (local/local-tables.ts, lambdas/core/platform/sdk-logging.ts).
 */
export function streamFeedClients(dynamoEndpoint: string): Pick<StreamFeedOptions, 'dynamo' | 'streams' | 'region'> {
  const config = unsignedDynamoClientConfig(dynamoEndpoint);
  return {
    dynamo: withoutSdkLogging(new DynamoDBClient(config)),
    streams: withoutSdkLogging(new DynamoDBStreamsClient(config)),
    region: String(config.region),
  };
}

export interface StreamFeedOptions {
  readonly dynamo: DynamoDBClient;
  readonly streams: DynamoDBStreamsClient;
  readonly tableNames: readonly string[];
  readonly handler: StreamHandler;
  readonly region: string;
  /** The consumer's name (logs, dead letters) and its event source mapping's settings. */
  readonly consumer: string;
  readonly settings: StreamEventSourceSettings;
  /** Where batches given up on go (the fault switch's dead-letter list in the local stack). */
  readonly deadLetter?: (letter: DeadLetter) => void;
  /** Fault injection (stream.batchFailed). */
  readonly batchFault?: BatchFault;
  readonly retryDelayMillis?: (retry: number) => number;
  /** Wait between polls when a shard had nothing new (Lambda polls 4×/s; a bit faster here). */
  readonly idleMillis?: number;
}

/** What the fault switch gives a feed: where dead letters go, and the injected batch failures. */
export type StreamFaults = Pick<StreamFeedOptions, 'deadLetter' | 'batchFault'>;

export interface StreamFeed {
  stop(): Promise<void>;
}

const DEFAULT_IDLE_MILLIS = 100;
/** New shards are looked for this often (DynamoDB opens one when a shard closes, ~every 4 h). */
const SHARD_DISCOVERY_MILLIS = 2_000;

export async function startStreamFeed(options: StreamFeedOptions): Promise<StreamFeed> {
  const abort = new AbortController();
  const pollers = await Promise.all(options.tableNames.map((table) => TablePoller.start(options, table, abort.signal)));
  const running = pollers.map((poller) => poller.run());
  return {
    async stop() {
      abort.abort();
      await Promise.all(running);
    },
  };
}

class TablePoller {
  /** Open shards being read: shard id → next iterator. */
  private readonly iterators = new Map<string, string>();
  /** Every shard ever seen, so discovery only adds new ones. */
  private readonly known = new Set<string>();
  /** Per shard, the sequence number of the last record delivered. */
  private readonly lastSequence = new Map<string, string>();
  private lastDiscovery = 0;

  private constructor(
    private readonly options: StreamFeedOptions,
    private readonly streamArn: string,
    private readonly signal: AbortSignal,
  ) {}

  static async start(options: StreamFeedOptions, tableName: string, signal: AbortSignal): Promise<TablePoller> {
    const table = await options.dynamo.send(new DescribeTableCommand({ TableName: tableName }));
    const streamArn = table.Table?.LatestStreamArn;
    if (!streamArn) throw new Error(`Table ${tableName} has no stream`);
    const poller = new TablePoller(options, streamArn, signal);
    // Closed shards hold only the past; open ones are read from now on.
    await poller.discover((shard) => (shard.SequenceNumberRange?.EndingSequenceNumber ? undefined : 'TRIM_HORIZON'));
    await poller.skipHistory();
    return poller;
  }

  /**
   * Reads the open shards to their current end without delivering, so the feed starts "now" and
   * knows the last sequence number of each shard (LATEST iterators would not tell it).
   */
  private async skipHistory(): Promise<void> {
    for (const [shardId, iterator] of this.iterators) {
      let next: string | undefined = iterator;
      for (;;) {
        const page: GetRecordsOutput = await this.options.streams.send(new GetRecordsCommand({ ShardIterator: next }), {
          abortSignal: this.signal,
        });
        const last = page.Records?.at(-1)?.dynamodb?.SequenceNumber;
        if (last) this.lastSequence.set(shardId, last);
        next = page.NextShardIterator;
        if (!next || !page.Records?.length) break;
      }
      if (next) this.iterators.set(shardId, next);
      else this.iterators.delete(shardId);
    }
  }

  async run(): Promise<void> {
    while (!this.signal.aborted) {
      try {
        if (Date.now() - this.lastDiscovery >= SHARD_DISCOVERY_MILLIS) {
          // A shard that appeared after the start is new data: read it from its beginning.
          await this.discover(() => 'TRIM_HORIZON');
        }
        const delivered = await this.pollOnce();
        if (!delivered) await sleep(this.options.idleMillis ?? DEFAULT_IDLE_MILLIS, this.signal);
      } catch (error) {
        if (this.signal.aborted) return;
        logger.error('Local stream feed: polling failed', { streamArn: this.streamArn, error: error as Error });
        await sleep(1_000, this.signal);
      }
    }
  }

  /** One GetRecords per open shard; true when any records were delivered. */
  private async pollOnce(): Promise<boolean> {
    let delivered = false;
    for (const [shardId, iterator] of this.iterators) {
      const page = await this.options.streams
        .send(new GetRecordsCommand({ ShardIterator: iterator, Limit: this.options.settings.batchSize }), {
          abortSignal: this.signal,
        })
        .catch(async (error: unknown) => {
          if (this.signal.aborted) throw error;
          // DynamoDB Local refuses every iterator of a shard that was empty when it was taken once
          // the first record arrives (TrimmedDataAccessException): expected, read it from the start.
          const emptyShard = (error as Error).name === 'TrimmedDataAccessException' && !this.lastSequence.has(shardId);
          // Otherwise (e.g. an expired iterator): carry on after the last record delivered.
          if (!emptyShard)
            logger.warn('Local stream feed: reopening a shard', {
              streamArn: this.streamArn,
              shardId,
              error: error as Error,
            });
          await this.reopen(shardId);
          return undefined;
        });
      if (!page) continue;
      if (page.NextShardIterator) this.iterators.set(shardId, page.NextShardIterator);
      else {
        // The shard is closed and read to its end; its children turn up in discovery.
        this.iterators.delete(shardId);
        this.lastDiscovery = 0;
      }
      const records = page.Records ?? [];
      if (records.length === 0) continue;
      delivered = true;
      this.lastSequence.set(shardId, records.at(-1)?.dynamodb?.SequenceNumber ?? '');
      await this.deliver(records);
    }
    return delivered;
  }

  private async deliver(records: readonly _Record[]): Promise<void> {
    const { handler, consumer, settings, batchFault, retryDelayMillis } = this.options;
    const readAt = Date.now();
    await deliverBatch(
      records.map((r) => toLambdaRecord(r, this.streamArn, this.options.region, readAt)),
      {
        consumer,
        streamArn: this.streamArn,
        settings,
        handler,
        deadLetter: this.options.deadLetter ?? (() => undefined),
        signal: this.signal,
        ...(batchFault ? { batchFault } : {}),
        ...(retryDelayMillis ? { retryDelayMillis } : {}),
      },
    );
  }

  private async reopen(shardId: string): Promise<void> {
    const after = this.lastSequence.get(shardId);
    const { ShardIterator } = await this.options.streams.send(
      new GetShardIteratorCommand({
        StreamArn: this.streamArn,
        ShardId: shardId,
        // Nothing read from it yet (it was empty at the start, or is new): all of it is news.
        ...(after
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }
          : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
      { abortSignal: this.signal },
    );
    if (ShardIterator) this.iterators.set(shardId, ShardIterator);
    else this.iterators.delete(shardId);
  }

  private async discover(startAt: (shard: Shard) => ShardIteratorType | undefined): Promise<void> {
    this.lastDiscovery = Date.now();
    let exclusiveStartShardId: string | undefined;
    do {
      const page = await this.options.streams.send(
        new DescribeStreamCommand({ StreamArn: this.streamArn, ExclusiveStartShardId: exclusiveStartShardId }),
        { abortSignal: this.signal },
      );
      for (const shard of page.StreamDescription?.Shards ?? []) {
        if (!shard.ShardId || this.known.has(shard.ShardId)) continue;
        this.known.add(shard.ShardId);
        const type = startAt(shard);
        if (!type) continue;
        const { ShardIterator } = await this.options.streams.send(
          new GetShardIteratorCommand({ StreamArn: this.streamArn, ShardId: shard.ShardId, ShardIteratorType: type }),
          { abortSignal: this.signal },
        );
        if (ShardIterator) this.iterators.set(shard.ShardId, ShardIterator);
      }
      exclusiveStartShardId = page.StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStartShardId);
  }
}

/**
 * DynamoDB Local rounds a record's ApproximateCreationDateTime down to the minute (AWS: to the
 * second), so a record written at 12:00:59.5 looked 60 s old at 12:01:00 and fell past the
 * broadcaster's one-minute maximum record age at once. The record was created no later than that
 * minute's end and no later than the feed read it: the earlier of the two is its creation time as
 * closely as it can be known (a truly old record still ages out, at most a minute late).
 */
const LOCAL_TIMESTAMP_GRANULARITY_MS = 60_000;

/** A stream record exactly as Lambda hands it over (epoch-second timestamps, base64 binaries). */
export function toLambdaRecord(
  record: _Record,
  streamArn: string,
  region: string,
  readAt: number = Date.now(),
): DynamoDBRecord {
  const data = record.dynamodb ?? {};
  const created = data.ApproximateCreationDateTime?.getTime();
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: region,
    eventSourceARN: streamArn,
    dynamodb: {
      ...(created !== undefined && {
        ApproximateCreationDateTime: Math.floor(
          Math.min(created + LOCAL_TIMESTAMP_GRANULARITY_MS - 1, Math.max(created, readAt)) / 1000,
        ),
      }),
      ...(data.Keys && { Keys: toLambdaItem(data.Keys) }),
      ...(data.NewImage && { NewImage: toLambdaItem(data.NewImage) }),
      ...(data.OldImage && { OldImage: toLambdaItem(data.OldImage) }),
      SequenceNumber: data.SequenceNumber,
      SizeBytes: data.SizeBytes,
      StreamViewType: data.StreamViewType,
    },
  };
}

function toLambdaItem(item: Record<string, AttributeValue>): Record<string, LambdaAttributeValue> {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, toLambdaValue(value)]));
}

function toLambdaValue(value: AttributeValue): LambdaAttributeValue {
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString('base64') };
  if (value.BS !== undefined) return { BS: value.BS.map((b) => Buffer.from(b).toString('base64')) };
  if (value.L !== undefined) return { L: value.L.map(toLambdaValue) };
  if (value.M !== undefined) return { M: toLambdaItem(value.M) };
  // The streams client reads an empty map ({"M":{}}) back as a value with no member at all
  // (checked against DynamoDB Local 3.3); Lambda hands over the empty map.
  if (Object.keys(value).length === 0) return { M: {} };
  return value as LambdaAttributeValue;
}

/** Resolves after `ms`, or at once when the feed stops (no timer outlives stop()). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}
