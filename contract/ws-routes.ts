import type { StreamEventSourceSettings } from './stream-settings';

/**
 * Every WebSocket route and the handler module behind it, plus the broadcaster. Plain data, read
 * by the CDK stack (lib/realtime/) and by the local gateway (local/websocket-gateway.ts), so both
 * serve the same WebSocket API.
 */

export const WS_HANDLERS = {
  connect: {
    entry: 'lambdas/realtime/connect.ts',
    description:
      'WebSocket $connect: check the session; a buyer socket joins its buyer set, an operator socket is recorded',
  },
  disconnect: { entry: 'lambdas/realtime/disconnect.ts', description: 'WebSocket $disconnect: forget the connection' },
  subscribe: { entry: 'lambdas/realtime/subscribe.ts', description: 'WebSocket subscribe: watch one event' },
  default: { entry: 'lambdas/realtime/default.ts', description: 'WebSocket $default: ignore unknown messages' },
} as const;

export type WsHandlerId = keyof typeof WS_HANDLERS;

export interface WsRouteSpec {
  /** `$connect`, `$disconnect`, `$default`, or the value of the message's `action`. */
  readonly routeKey: string;
  readonly handler: WsHandlerId;
  /** The handler's body is sent back to the client (an API Gateway route response). */
  readonly returnResponse?: boolean;
}

export const WS_ROUTES: readonly WsRouteSpec[] = [
  { routeKey: '$connect', handler: 'connect' },
  { routeKey: '$disconnect', handler: 'disconnect' },
  { routeKey: 'subscribe', handler: 'subscribe', returnResponse: true },
  { routeKey: '$default', handler: 'default' },
];

/** Messages are routed by their JSON `action` field. */
export const ROUTE_SELECTION_FIELD = 'action';
export const ROUTE_SELECTION_EXPRESSION = `$request.body.${ROUTE_SELECTION_FIELD}`;

/** The stream consumer that turns seat and order changes into WebSocket messages. */
export const BROADCASTER = {
  entry: 'lambdas/realtime/broadcaster.ts',
  description: 'Orders and waiting-rooms streams → coalesced live updates over WebSocket',
  /**
   * Latency over coalescing (no batching window); a bounded backlog: a live update older than a
   * minute is worth less than the snapshot a client refetches; failed records reported by the handler.
   */
  eventSource: {
    batchSize: 100,
    maxBatchingWindowSeconds: 0,
    bisectBatchOnError: true,
    retryAttempts: 2,
    maxRecordAgeSeconds: 60,
    reportBatchItemFailures: true,
  } satisfies StreamEventSourceSettings,
} as const;

/**
 * The broadcaster's stream sources, on AWS and locally (seat changes reach browsers through the
 * live map: SEAT_MAP_TICKS in contract/stream-consumers.ts and LIVE_MAP_SHARD).
 */
export const BROADCAST_TABLES = ['orders', 'waitingRooms'] as const;

/**
 * The live map's shard worker: one tick's message to one shard of an event's viewers, invoked
 * asynchronously by the tick builder (SEAT_MAP_TICKS), once per shard and tick.
 */
export const LIVE_MAP_SHARD = {
  entry: 'lambdas/realtime/live-map-shard.ts',
  description: 'Live seat map: one tick’s deltas to the WebSocket viewers of one shard of an event',
  /** Lambda's asynchronous invoke: retried twice, then its dead-letter queue; a tick is stale after a minute. */
  maxEventAgeSeconds: 60,
  retryAttempts: 2,
} as const;

/**
 * Shards an event's socket viewers are spread over (`LIVE_MAP_SHARDS`). Every function that shards
 * must use the same number — subscribe and disconnect join and leave a shard, the tick builder and
 * the sweep publish to each, the broadcaster reads them all — so the handlers' default and the
 * value the CDK stack gives each of those functions (lib/realtime/live-map-settings.ts) are this one.
 */
export const LIVE_MAP_SHARD_COUNT = 16;

/** Path of the WebSocket endpoint on the local stack's port (on AWS: the stage URL). */
export const LOCAL_WS_PATH = '/ws';
