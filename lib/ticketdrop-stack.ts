import { CfnOutput, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { TABLE_SPECS } from '../contract/tables';
import { TicketDropApi } from './api/http-api';
import { constructIdFor, DataTables } from './constructs/data-tables';
import { Observability } from './observability/observability';
import { OrderFlow } from './orders/order-flow';
import { Reconciler } from './orders/reconciler-schedule';
import { Broadcaster } from './realtime/broadcaster-function';
import { LiveMap } from './realtime/live-map-functions';
import { liveMapSettings } from './realtime/live-map-settings';
import { LiveWebSocket } from './realtime/websocket-api';
import { SeatAvailability } from './seats/availability-consumer';
import { EdgeFirewall } from './security/edge-firewall';
import { applyNagSuppressions } from './security/nag-suppressions';
import type { Stage } from './stage';
import { OrderEndings } from './waiting-room/slot-release-consumer';
import type { FrontendBuild } from './web/frontend-files';
import { Site } from './web/site';

export interface TicketDropStackProps extends StackProps {
  readonly stage: Stage;
  /** The page the site deploys; default: `frontend/dist` as it is now. */
  readonly siteBuild?: FrontendBuild;
}

/** Everything one stage of TicketDrop needs, in one stack. */
export class TicketDropStack extends Stack {
  readonly data: DataTables;
  readonly api: TicketDropApi;
  readonly orderFlow: OrderFlow;
  readonly reconciler: Reconciler;
  readonly live: LiveWebSocket;
  readonly broadcaster: Broadcaster;
  readonly liveMap: LiveMap;
  readonly orderEndings: OrderEndings;
  readonly seatAvailability: SeatAvailability;
  readonly site: Site;
  /** Only with `-c waf=true`: per-IP rate-based rules on CloudFront (lib/security/edge-firewall.ts). */
  readonly firewall?: EdgeFirewall;
  readonly observability: Observability;

  constructor(scope: Construct, id: string, props: TicketDropStackProps) {
    super(scope, id, props);
    const { stage } = props;
    Tags.of(this).add('project', 'ticketdrop');
    Tags.of(this).add('stage', stage.name);

    this.data = new DataTables(this, 'Data', { stage });
    // The order flow first: the API starts and resumes its executions.
    this.orderFlow = new OrderFlow(this, 'OrderFlow', { stage, tables: this.data });
    this.api = new TicketDropApi(this, 'Api', {
      stage,
      tables: this.data,
      orderStateMachine: this.orderFlow.stateMachine,
      ticketSigningKey: this.orderFlow.ticketSigningKey,
    });
    // The safety net under the flows: finishes whatever they left unfinished, every minute.
    this.reconciler = new Reconciler(this, 'Reconciler', {
      stage,
      tables: this.data,
      orderStateMachine: this.orderFlow.stateMachine,
      ticketSigningKey: this.orderFlow.ticketSigningKey,
    });

    // Live updates: browsers hold a WebSocket; seat and order changes reach them via the streams.
    // Every function that shards the viewers gets the same shard count, from one place.
    const liveMap = liveMapSettings();
    this.live = new LiveWebSocket(this, 'Live', {
      stage,
      tables: this.data,
      sessionSigningKey: this.api.secrets.sessionSigningKey,
      liveMapSettings: liveMap,
    });
    this.broadcaster = new Broadcaster(this, 'Broadcaster', {
      stage,
      tables: this.data,
      webSocketStage: this.live.stage,
      liveMapSettings: liveMap,
    });
    // The live seat map: one versioned map per event per tick, fanned out by one worker per shard;
    // a sweep every minute repairs a map whose last stream batch was given up on.
    this.liveMap = new LiveMap(this, 'LiveMap', {
      stage,
      tables: this.data,
      webSocketStage: this.live.stage,
      settings: liveMap,
    });
    // The waiting room: an order that ends frees its buyer's purchase slot.
    this.orderEndings = new OrderEndings(this, 'OrderEndings', { stage, tables: this.data });
    // The availability summary: free seats per row, derived from the seats stream.
    this.seatAvailability = new SeatAvailability(this, 'SeatAvailability', { stage, tables: this.data });

    // The optional WAF in front of it all (`-c waf=true`): per-IP limits before any Lambda runs.
    if (isOn(this.node.tryGetContext('waf'))) {
      this.firewall = new EdgeFirewall(this, 'EdgeFirewall', { stage, limits: stage.firewall });
    }
    // Buyers' one URL: the page, /config.json and /api/* on one CloudFront origin.
    this.site = new Site(this, 'Web', {
      stage,
      httpApi: this.api.httpApi,
      webSocketUrl: this.live.url,
      edgeKey: this.api.secrets.edgeKey,
      ...(this.firewall ? { webAclArn: this.firewall.webAcl.attrArn } : {}),
      ...(props.siteBuild ? { build: props.siteBuild } : {}),
    });

    new CfnOutput(this, 'SiteUrl', { value: this.site.url, description: 'The buyer-facing site (CloudFront)' });
    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'HTTP API base URL' });
    new CfnOutput(this, 'AdminApiKeySecretArn', {
      value: this.api.secrets.adminApiKey.secretArn,
      description: 'Secret holding the admin key (x-admin-key header) for admin API calls',
    });
    new CfnOutput(this, 'WebSocketUrl', {
      value: this.live.url,
      description: 'WebSocket API of live updates (wss://…/<stage>)',
    });
    new CfnOutput(this, 'ReconcilerFunctionName', {
      value: this.reconciler.handler.function.functionName,
      description: 'The reconciler (runs every minute; `npm run reconcile -- --stack <name>` invokes it now)',
    });
    new CfnOutput(this, 'OrderStateMachineArn', {
      value: this.orderFlow.stateMachine.stateMachineArn,
      description: 'Order state machine (execution name = order id)',
    });
    for (const spec of TABLE_SPECS) {
      new CfnOutput(this, `${constructIdFor(spec.id)}Name`, {
        value: this.data.table(spec.id).tableName,
        description: `Physical name of the ${spec.id} table`,
      });
    }

    // Last: both look at every function, queue and stream consumer constructed above.
    this.observability = new Observability(this, 'Observability', {
      stage,
      stateMachine: this.orderFlow.stateMachine,
      httpApi: this.api.httpApi,
      tables: Object.values(this.data.byId),
      alarmEmail: this.node.tryGetContext('alarmEmail') as string | undefined,
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.observability.topic.topicArn,
      description: 'SNS topic of the alarms (subscribe to get notified)',
    });
    applyNagSuppressions(this);
  }
}

/** A context flag: `-c waf=true` arrives as the string "true", a cdk.json entry as a boolean. */
function isOn(value: unknown): boolean {
  return value === true || value === 'true';
}
