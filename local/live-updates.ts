import type { Server } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { TableNames } from '../contract/tables';
import {
  BROADCAST_TABLES,
  BROADCASTER,
  LOCAL_WS_PATH,
  ROUTE_SELECTION_FIELD,
  WS_HANDLERS,
  WS_ROUTES,
  type WsHandlerId,
} from '../contract/ws-routes';
import type { Platform } from '../lambdas/wiring/platform';
import { connectionsEndpoint } from './connections-api';
import { loadHandler } from './handler-loader';
import type { ServiceEndpoint } from './http-gateway';
import { localDynamoClientConfig } from './local-tables';
import { type StreamFaults, type StreamFeed, type StreamHandler, startStreamFeed } from './stream-feed';
import { LocalWebSocketGateway, type WsHandler } from './websocket-gateway';

/**
 * Live updates on the local stack: the WebSocket API on `/ws`, the `@connections` management API,
 * and the stream feed that drives the broadcaster — the AWS wiring of lib/realtime/, locally.
 */
export interface LocalLiveUpdates {
  /** The `@connections` API, to serve among the stack's AWS service endpoints. */
  readonly managementApi: ServiceEndpoint;
  /** Accepts WebSocket upgrades on the stack's HTTP server. */
  attach(server: Server): void;
  /** Makes the handlers with the stack's platform and starts reading the streams. */
  start(platform: Platform, dynamoEndpoint: string, tables: TableNames, faults?: StreamFaults): Promise<void>;
  stop(): Promise<void>;
}

export function createLocalLiveUpdates(projectRoot: string): LocalLiveUpdates {
  const handlers = new Map<WsHandlerId, WsHandler>();
  const gateway = new LocalWebSocketGateway({
    routes: WS_ROUTES,
    handlerFor: (route) => handlers.get(route.handler)!,
    path: LOCAL_WS_PATH,
    routeSelectionField: ROUTE_SELECTION_FIELD,
  });
  let feed: StreamFeed | undefined;

  return {
    managementApi: connectionsEndpoint(gateway),
    attach: (server) => gateway.attach(server),
    async start(platform, dynamoEndpoint, tables, faults = {}) {
      for (const [id, { entry }] of Object.entries(WS_HANDLERS) as [WsHandlerId, { entry: string }][]) {
        handlers.set(id, await loadHandler<WsHandler>(projectRoot, entry, platform));
      }
      const config = localDynamoClientConfig(dynamoEndpoint);
      feed = await startStreamFeed({
        dynamo: new DynamoDBClient(config),
        streams: new DynamoDBStreamsClient(config),
        tableNames: BROADCAST_TABLES.map((id) => tables[id]),
        handler: await loadHandler<StreamHandler>(projectRoot, BROADCASTER.entry, platform),
        region: String(config.region),
        consumer: 'broadcaster',
        settings: BROADCASTER.eventSource,
        ...faults,
      });
    },
    async stop() {
      await feed?.stop();
      await gateway.close();
    },
  };
}
