import type { Server } from 'node:http';
import type { TableNames } from '../contract/tables';
import { BROADCAST_TABLES, BROADCASTER, LIVE_MAP_SHARD, WS_HANDLERS, type WsHandlerId } from '../contract/ws-routes';
import type { ConnectionPoster } from '../lambdas/core/live/connection-poster';
import type { ShardInvoker, ShardJob } from '../lambdas/core/live/shard-delivery';
import { logger } from '../lambdas/core/platform/logger';
import type { Platform } from '../lambdas/wiring/platform';
import { connectionsEndpoint, MAX_POST_BYTES } from './connections-api';
import { loadHandler } from './handler-loader';
import type { ServiceEndpoint } from './http-gateway';
import {
  type StreamFaults,
  type StreamFeed,
  type StreamHandler,
  startStreamFeed,
  streamFeedClients,
} from './stream-feed';
import { startWebSocketFront, type WebSocketFront } from './websocket-front';
import type { WsHandler } from './websocket-gateway';

/**
 * Live updates on the local stack: the WebSocket API on `/ws`, the `@connections` management API,
 * and the stream feed that drives the broadcaster — the AWS wiring of lib/realtime/, locally. The
 * WebSocket API's front (accepts, upgrades, frames, the open sockets) runs on this process's loop
 * or, as an option, on a thread and port of its own (local/websocket-front.ts); its routes'
 * handlers run here.
 */
export interface LocalLiveUpdates {
  /** The WebSocket gateway's own port when it has a thread of its own; undefined: `/ws` on the stack's port. */
  readonly webSocketPort: number | undefined;
  /** The gateway thread's counters (accepted connections, upgrade requests read, sockets open), if it has one. */
  readonly gatewayCounts: WebSocketFront['counts'];
  /** The `@connections` API, to serve among the stack's AWS service endpoints. */
  readonly managementApi: ServiceEndpoint;
  /**
   * Starts the live map's shard worker (the same handler module) as Lambda's asynchronous invoke
   * does: the caller does not wait; a failed run is tried twice more, then logged as dead-lettered.
   */
  readonly shardInvoker: ShardInvoker;
  /**
   * The handlers' `@connections` poster: the message handed to the gateway (on its thread: a turn's
   * posts in one message, answered from the sockets this thread knows open), as the `@connections`
   * API on the port would (410 when gone, refused over 128 KiB). On AWS each of the N shard workers
   * posts from its own Lambda; here they share one process, and an SDK round trip over HTTP per
   * post would measure that sharing, not the design. The HTTP API stays for the SDK.
   */
  readonly poster: ConnectionPoster;
  /**
   * Hands upgrades to the handlers (loaded by `start`): those on the stack's HTTP server, and (with
   * a thread of its own) those on the gateway's port.
   */
  attach(server: Server): void;
  /** Makes the handlers with the stack's platform and starts reading the streams. */
  start(platform: Platform, dynamoEndpoint: string, tables: TableNames, faults?: StreamFaults): Promise<void>;
  stop(): Promise<void>;
}

/**
 * `gatewayThread`: the WebSocket gateway's front on a thread and port of its own (its upgrades are
 * answered `503 Starting` until `attach`); otherwise on this process's loop and the stack's port.
 */
export async function startLocalLiveUpdates(
  projectRoot: string,
  options: { gatewayThread?: boolean } = {},
): Promise<LocalLiveUpdates> {
  const handlers = new Map<WsHandlerId, WsHandler>();
  const gateway = await startWebSocketFront(
    async (id, event) => {
      const handler = handlers.get(id);
      if (!handler) throw new Error(`The WebSocket handler ${id} is not loaded`);
      return handler(event);
    },
    { thread: options.gatewayThread ?? false },
  );
  let feed: StreamFeed | undefined;
  let shardWorker: ((job: ShardJob) => Promise<void>) | undefined;
  let stopped = false;
  const runShardJob = async (job: ShardJob) => {
    for (let attempt = 0; !stopped; attempt++) {
      try {
        if (!shardWorker) throw new Error('The shard worker is not loaded yet');
        await shardWorker(job);
        return;
      } catch (error) {
        // A job still running when the stack stops fails on its closed DynamoDB: nothing to report.
        if (stopped) return;
        if (attempt >= LIVE_MAP_SHARD.retryAttempts) {
          logger.error('Shard job dead-lettered', { eventId: job.eventId, shard: job.shard, error: error as Error });
          return;
        }
      }
    }
  };

  return {
    webSocketPort: gateway.port,
    gatewayCounts: () => gateway.counts(),
    managementApi: connectionsEndpoint(gateway.connections),
    poster: {
      async post(connectionId, data) {
        if (Buffer.byteLength(data) > MAX_POST_BYTES) throw new Error('PayloadTooLargeException: Message too long');
        return gateway.post(connectionId, data);
      },
    },
    shardInvoker: {
      async invoke(job) {
        void runShardJob(job);
      },
    },
    attach: (server) => gateway.attach(server),
    async start(platform, dynamoEndpoint, tables, faults = {}) {
      for (const [id, { entry }] of Object.entries(WS_HANDLERS) as [WsHandlerId, { entry: string }][]) {
        handlers.set(id, await loadHandler<WsHandler>(projectRoot, entry, platform));
      }
      shardWorker = await loadHandler(projectRoot, LIVE_MAP_SHARD.entry, platform);
      feed = await startStreamFeed({
        ...streamFeedClients(dynamoEndpoint),
        tableNames: BROADCAST_TABLES.map((id) => tables[id]),
        handler: await loadHandler<StreamHandler>(projectRoot, BROADCASTER.entry, platform),
        consumer: 'broadcaster',
        settings: BROADCASTER.eventSource,
        ...faults,
      });
    },
    async stop() {
      stopped = true;
      await feed?.stop();
      await gateway.stop();
    },
  };
}
