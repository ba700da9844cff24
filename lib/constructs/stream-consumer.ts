import { Duration } from 'aws-cdk-lib';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { StreamEventSourceSettings } from '../../contract/stream-settings';
import type { TableId } from '../../contract/tables';
import type { Stage } from '../stage';
import type { DataTables } from './data-tables';
import { streamDeadLetterQueue } from './dead-letter-queue';
import { NodeHandler } from './node-handler';
import { eventSourceProps } from './stream-event-source-props';

export interface StreamConsumerOptions {
  readonly stage: Stage;
  readonly tables: DataTables;
  /** The handler module and its description (from contract/: the local stack runs the same one). */
  readonly entry: string;
  readonly description: string;
  /** The tables whose streams feed it, with the same settings each. */
  readonly sources: readonly TableId[];
  readonly eventSource: StreamEventSourceSettings;
  /** Lambda event filters (`FilterCriteria.filter(...)`): records no filter matches never invoke it. */
  readonly filters?: readonly Record<string, unknown>[];
  /** Variables besides the table names. */
  readonly environment?: Readonly<Record<string, string>>;
}

export interface StreamConsumerParts {
  readonly handler: NodeHandler;
  /** Where Lambda records the batches it gave up on (metadata: shard, sequence range). */
  readonly deadLetterQueue: sqs.Queue;
}

/**
 * A DynamoDB stream consumer as every one of ours is deployed: a Node.js function, its dead-letter
 * queue and one event source per streamed table, starting at LATEST with the contract's batch
 * settings. Made inside `scope` under the ids 'Handler' and 'DeadLetters' (those the template has
 * always had); the caller adds the function's grants.
 */
export function addStreamConsumer(scope: Construct, options: StreamConsumerOptions): StreamConsumerParts {
  const handler = new NodeHandler(scope, 'Handler', {
    stage: options.stage,
    entry: options.entry,
    description: options.description,
    timeout: Duration.seconds(30),
    environment: { ...options.tables.tableEnvironment(), ...options.environment },
  });
  const deadLetterQueue = streamDeadLetterQueue(scope);
  for (const tableId of options.sources) {
    handler.function.addEventSource(
      new DynamoEventSource(options.tables.table(tableId), {
        startingPosition: StartingPosition.LATEST,
        ...eventSourceProps(options.eventSource),
        onFailure: new SqsDlq(deadLetterQueue),
        ...(options.filters ? { filters: [...options.filters] } : {}),
      }),
    );
  }
  return { handler, deadLetterQueue };
}
