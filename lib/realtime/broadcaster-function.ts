import type { WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BROADCAST_TABLES, BROADCASTER } from '../../contract/ws-routes';
import type { DataTables } from '../constructs/data-tables';
import type { NodeHandler } from '../constructs/node-handler';
import { addStreamConsumer } from '../constructs/stream-consumer';
import type { Stage } from '../stage';
import { grantDashboardPush } from './dashboard-access';

export interface BroadcasterProps {
  readonly stage: Stage;
  readonly tables: DataTables;
  readonly webSocketStage: WebSocketStage;
  /** The live-map settings it shares with the map's functions (it reads every seat-map shard). */
  readonly liveMapSettings?: Readonly<Record<string, string>>;
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
    const parts = addStreamConsumer(this, {
      stage: props.stage,
      tables: props.tables,
      entry: BROADCASTER.entry,
      description: BROADCASTER.description,
      sources: BROADCAST_TABLES,
      eventSource: BROADCASTER.eventSource,
      environment: { ...props.liveMapSettings, WEBSOCKET_MANAGEMENT_ENDPOINT: props.webSocketStage.callbackUrl },
    });
    this.handler = parts.handler;
    this.deadLetterQueue = parts.deadLetterQueue;
    const fn = this.handler.function;
    // Finds audiences (BatchGetItem: an event's viewers in its seat-map shard items, a batch's
    // buyers' sockets in their `#buyer#` sets) and forgets gone sockets (DeleteItem; UpdateItem
    // takes one out of its buyer's set).
    props.tables.table('connections').grant(fn, 'dynamodb:BatchGetItem', 'dynamodb:DeleteItem', 'dynamodb:UpdateItem');
    // Reads a confirmed order's tickets (by key) to push them with the order.
    props.tables.table('tickets').grant(fn, 'dynamodb:BatchGetItem');
    props.webSocketStage.grantManagementApiAccess(fn);
    grantDashboardPush(fn, props.tables, props.webSocketStage);
  }
}
