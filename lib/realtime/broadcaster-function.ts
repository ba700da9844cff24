import { Duration } from 'aws-cdk-lib';
import type { WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BROADCAST_TABLES, BROADCASTER } from '../../contract/ws-routes';
import type { DataTables } from '../constructs/data-tables';
import { streamDeadLetterQueue } from '../constructs/dead-letter-queue';
import { NodeHandler } from '../constructs/node-handler';
import { eventSourceProps } from '../constructs/stream-event-source-props';
import type { Stage } from '../stage';

export interface BroadcasterProps {
  readonly stage: Stage;
  readonly tables: DataTables;
  readonly webSocketStage: WebSocketStage;
}

/**
 * The stream consumer: seat, order and waiting-room changes → coalesced WebSocket messages. Tuned for latency
 * (no batching window: a change should reach browsers within a second) and for a bounded backlog
 * (a live update older than a minute is worth less than the snapshot a client refetches).
 */
export class Broadcaster extends Construct {
  readonly handler: NodeHandler;
  /** Where Lambda records batches it gave up on (metadata: shard, sequence range). */
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: BroadcasterProps) {
    super(scope, id);
    this.handler = new NodeHandler(this, 'Handler', {
      stage: props.stage,
      entry: BROADCASTER.entry,
      description: BROADCASTER.description,
      timeout: Duration.seconds(30),
      environment: {
        ...props.tables.tableEnvironment(),
        WEBSOCKET_MANAGEMENT_ENDPOINT: props.webSocketStage.callbackUrl,
      },
    });
    const fn = this.handler.function;
    // Finds audiences and deletes gone sockets; never writes a connection otherwise.
    props.tables.table('connections').grant(fn, 'dynamodb:Query', 'dynamodb:DeleteItem');
    // Reads a confirmed order's tickets (by key) to push them with the order.
    props.tables.table('tickets').grant(fn, 'dynamodb:BatchGetItem');
    props.webSocketStage.grantManagementApiAccess(fn);

    this.deadLetterQueue = streamDeadLetterQueue(this);
    for (const tableId of BROADCAST_TABLES) {
      fn.addEventSource(
        new DynamoEventSource(props.tables.table(tableId), {
          startingPosition: StartingPosition.LATEST,
          ...eventSourceProps(BROADCASTER.eventSource),
          onFailure: new SqsDlq(this.deadLetterQueue),
        }),
      );
    }
  }
}
