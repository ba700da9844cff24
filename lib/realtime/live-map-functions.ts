import { Duration } from 'aws-cdk-lib';
import type { WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { LIVE_MAP_SWEEP_ENTRY, LIVE_MAP_SWEEP_PERIOD_MINUTES } from '../../contract/handler-entries';
import { SEAT_MAP_TICKS } from '../../contract/stream-consumers';
import { LIVE_MAP_SHARD } from '../../contract/ws-routes';
import type { DataTables } from '../constructs/data-tables';
import { streamDeadLetterQueue } from '../constructs/dead-letter-queue';
import { NodeHandler } from '../constructs/node-handler';
import { addStreamConsumer } from '../constructs/stream-consumer';
import type { Stage } from '../stage';
import { grantDashboardPush } from './dashboard-access';

export interface LiveMapProps {
  readonly stage: Stage;
  readonly tables: DataTables;
  readonly webSocketStage: WebSocketStage;
  /** Live-map settings every function that shards or ticks must agree on (LIVE_MAP_SHARDS, …). */
  readonly settings?: Readonly<Record<string, string>>;
}

/**
 * The live seat map at drop scale: the tick builder (a seats-stream consumer: each changed event's
 * map rebuilt at most once per tick, written as the next version) and the shard worker it invokes
 * asynchronously once per shard and tick (one tick's deltas to the viewers of one shard). Both with
 * a dead-letter queue, alarmed like every stream consumer's (lib/observability/discovery.ts). And
 * the sweep, every minute: rebuilds each live event's map from its seat items, so a map whose last
 * stream batch was given up on (the dead-letter queue) is repaired without waiting for a change.
 */
export class LiveMap extends Construct {
  readonly ticks: NodeHandler;
  readonly shardWorker: NodeHandler;
  readonly sweep: NodeHandler;
  readonly deadLetterQueue: sqs.Queue;
  readonly shardDeadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: LiveMapProps) {
    super(scope, id);
    const settings = props.settings ?? {};
    this.shardWorker = new NodeHandler(this, 'ShardWorker', {
      stage: props.stage,
      entry: LIVE_MAP_SHARD.entry,
      description: LIVE_MAP_SHARD.description,
      timeout: Duration.seconds(30),
      environment: {
        ...props.tables.tableEnvironment(),
        ...settings,
        WEBSOCKET_MANAGEMENT_ENDPOINT: props.webSocketStage.callbackUrl,
      },
    });
    this.shardDeadLetterQueue = streamDeadLetterQueue(this, 'ShardDeadLetters');
    this.shardWorker.function.configureAsyncInvoke({
      retryAttempts: LIVE_MAP_SHARD.retryAttempts,
      maxEventAge: Duration.seconds(LIVE_MAP_SHARD.maxEventAgeSeconds),
      onFailure: new SqsDestination(this.shardDeadLetterQueue),
    });
    const connections = props.tables.table('connections');
    // Reads its shard's member set, removes gone sockets from it and forgets them.
    connections.grant(this.shardWorker.function, 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem');
    props.webSocketStage.grantManagementApiAccess(this.shardWorker.function);

    // What the tick builder and the sweep both need to build an event's map and send its deltas.
    const builderEnvironment = {
      ...settings,
      LIVE_MAP_SHARD_FUNCTION: this.shardWorker.function.functionName,
      // Operators' dashboards are pushed after a build that changed the map.
      WEBSOCKET_MANAGEMENT_ENDPOINT: props.webSocketStage.callbackUrl,
    };
    const grantMapBuild = (fn: lambda.Function) => {
      // Rebuilds the map from the seat items and writes it (the map item in the buyers table).
      props.tables.table('seats').grant(fn, 'dynamodb:Query');
      props.tables.table('buyers').grant(fn, 'dynamodb:GetItem', 'dynamodb:PutItem');
      grantDashboardPush(fn, props.tables, props.webSocketStage);
      // The shard worker itself only (grantInvoke would add its versions and aliases: `<arn>:*`).
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['lambda:InvokeFunction'],
          resources: [this.shardWorker.function.functionArn],
        }),
      );
    };

    const parts = addStreamConsumer(this, {
      stage: props.stage,
      tables: props.tables,
      entry: SEAT_MAP_TICKS.entry,
      description: SEAT_MAP_TICKS.description,
      sources: [SEAT_MAP_TICKS.table],
      eventSource: SEAT_MAP_TICKS.eventSource,
      environment: builderEnvironment,
    });
    this.ticks = parts.handler;
    this.deadLetterQueue = parts.deadLetterQueue;
    grantMapBuild(this.ticks.function);

    this.sweep = new NodeHandler(this, 'Sweep', {
      stage: props.stage,
      entry: LIVE_MAP_SWEEP_ENTRY,
      description:
        'Live seat map: rebuilds each live event’s map from its seats (every minute), repairing lost batches',
      timeout: Duration.seconds(50),
      environment: { ...props.tables.tableEnvironment(), ...builderEnvironment },
    });
    const sweep = this.sweep.function;
    // Lists the events (one small item each); then builds a live event's map as the tick builder does.
    props.tables.table('events').grant(sweep, 'dynamodb:Scan');
    grantMapBuild(sweep);
    // And checks the event's availability summary (its row items in the buyers table) against the seats.
    props.tables.table('buyers').grant(sweep, 'dynamodb:Query', 'dynamodb:UpdateItem');
    new events.Rule(this, 'SweepSchedule', {
      description: 'Runs the TicketDrop live-map sweep',
      schedule: events.Schedule.rate(Duration.minutes(LIVE_MAP_SWEEP_PERIOD_MINUTES)),
      targets: [new targets.LambdaFunction(sweep, { retryAttempts: 0 })], // the next run is the retry
    });
  }
}
