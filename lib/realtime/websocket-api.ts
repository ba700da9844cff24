import { WebSocketApi, WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ROUTE_SELECTION_EXPRESSION, WS_HANDLERS, WS_ROUTES, type WsHandlerId } from '../../contract/ws-routes';
import { ApiSecrets } from '../constructs/api-secrets';
import type { DataTables } from '../constructs/data-tables';
import { NodeHandler } from '../constructs/node-handler';
import type { Stage } from '../stage';

export interface LiveWebSocketProps {
  readonly stage: Stage;
  readonly tables: DataTables;
  /** The key buyer session tokens are signed with ($connect verifies `?token=`). */
  readonly sessionSigningKey: ISecret;
  /** The live-map settings subscribe and disconnect must share with the map's functions (live-map-settings.ts). */
  readonly liveMapSettings?: Readonly<Record<string, string>>;
}

/**
 * The WebSocket API browsers keep open for live seat maps and their own orders: routes from
 * `ws-routes.ts`, one small function per route, each allowed only its own write on `connections`.
 */
export class LiveWebSocket extends Construct {
  readonly api: WebSocketApi;
  readonly stage: WebSocketStage;
  readonly handlers: Readonly<Record<WsHandlerId, NodeHandler>>;

  constructor(scope: Construct, id: string, props: LiveWebSocketProps) {
    super(scope, id);
    const environment = props.tables.tableEnvironment();
    const handler = (handlerId: WsHandlerId, settings: Readonly<Record<string, string>> = {}) =>
      new NodeHandler(this, `${handlerId.charAt(0).toUpperCase()}${handlerId.slice(1)}Handler`, {
        stage: props.stage,
        entry: WS_HANDLERS[handlerId].entry,
        description: WS_HANDLERS[handlerId].description,
        environment: { ...environment, ...settings },
      });
    this.handlers = {
      connect: handler('connect'),
      // Join and leave a seat-map shard: the same shard count as the map's functions.
      disconnect: handler('disconnect', props.liveMapSettings),
      subscribe: handler('subscribe', props.liveMapSettings),
      default: handler('default'),
    };
    ApiSecrets.provide(this.handlers.connect.function, 'SESSION_SIGNING_KEY', props.sessionSigningKey);
    // A buyer's subscribe carries its session token again (nothing from $connect says whose socket it is).
    ApiSecrets.provide(this.handlers.subscribe.function, 'SESSION_SIGNING_KEY', props.sessionSigningKey);
    const connections = props.tables.table('connections');
    // An operator's connection item, or (a buyer's socket) its buyer's `#buyer#` set the broadcaster reads.
    connections.grant(this.handlers.connect.function, 'dynamodb:PutItem', 'dynamodb:UpdateItem');
    // Reads the connection (most sockets have no item: nothing to delete), forgets it and takes it
    // out of its seat-map shard (an UpdateItem of the shard's set).
    connections.grant(
      this.handlers.disconnect.function,
      'dynamodb:GetItem',
      'dynamodb:DeleteItem',
      'dynamodb:UpdateItem',
    );
    // Reads the connection, joins (or leaves) a shard, records the watched event (creating the item).
    connections.grant(this.handlers.subscribe.function, 'dynamodb:GetItem', 'dynamodb:UpdateItem');
    // Is the buyer buying (an open order of the event keeps their socket beyond the viewer budget)?
    props.tables.table('buyers').grant(this.handlers.subscribe.function, 'dynamodb:GetItem');
    // An operator's socket watching a dashboard: the event must exist; the dashboard item's watchers
    // (buyers table, lambdas/core/reports/dashboard-push.ts) gain it, and lose it at $disconnect.
    props.tables.table('events').grant(this.handlers.subscribe.function, 'dynamodb:GetItem');
    props.tables.table('buyers').grant(this.handlers.subscribe.function, 'dynamodb:UpdateItem');
    props.tables.table('buyers').grant(this.handlers.disconnect.function, 'dynamodb:UpdateItem');

    const integration = (routeKey: string, handlerId: WsHandlerId) =>
      new WebSocketLambdaIntegration(`${routeKey.replace('$', '')}Integration`, this.handlers[handlerId].function);
    const route = (key: string) => {
      const spec = WS_ROUTES.find((r) => r.routeKey === key);
      if (!spec) throw new Error(`No WebSocket route ${key} in ws-routes.ts`);
      return { integration: integration(key, spec.handler), returnResponse: spec.returnResponse ?? false };
    };
    this.api = new WebSocketApi(this, 'Api', {
      apiName: `ticketdrop-live-${props.stage.name}`,
      description: `TicketDrop live updates (${props.stage.name})`,
      routeSelectionExpression: ROUTE_SELECTION_EXPRESSION,
      connectRouteOptions: route('$connect'),
      disconnectRouteOptions: route('$disconnect'),
      defaultRouteOptions: route('$default'),
    });
    for (const spec of WS_ROUTES.filter((r) => !r.routeKey.startsWith('$'))) {
      this.api.addRoute(spec.routeKey, route(spec.routeKey));
    }
    this.stage = new WebSocketStage(this, 'Stage', {
      webSocketApi: this.api,
      stageName: props.stage.name,
      autoDeploy: true,
    });
  }

  /** `wss://…/<stage>`: what browsers connect to. */
  get url(): string {
    return this.stage.url;
  }
}
