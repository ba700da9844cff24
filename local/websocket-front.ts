import type { Server } from 'node:http';
import { LOCAL_WS_PATH, ROUTE_SELECTION_FIELD, WS_ROUTES } from '../contract/ws-routes';
import type { LocalConnections } from './connections-api';
import { forwardUpgradeTo } from './upgrade-forward';
import { LocalWebSocketGateway } from './websocket-gateway';
import { type GatewayCounts, startWebSocketGatewayWorker, type WsInvoke } from './websocket-gateway-worker';

/**
 * The local WebSocket API's front — accepting connections, upgrades, frames, the open sockets —
 * either on the stack's own event loop and port (the default) or on a worker thread and port of
 * its own (`thread`, local/websocket-gateway-worker.ts). Either way the routes' handlers run on the
 * stack's thread through `invoke`, as API Gateway invokes a Lambda.
 *
 * Why both: on the stack's loop, a saturated loop accepts about one connection per turn (a sale's
 * 500 buyers' sockets waited up to 10 s to be accepted: bench/RESULTS.md, issue #13); on a thread
 * of its own they are accepted at once. But the thread is one more busy thread on the machine: on
 * this 2-core box it made the live map's fan-out slower (bench:fanout change→viewer p99 ≈ 420 →
 * ≈ 610 ms: its frames wait for the thread to be scheduled), and it answers the handlers' posts
 * from a mirror of the open sockets. So it is an option, which the sell-out benchmark takes.
 */
export interface WebSocketFront {
  /** The front's own port; undefined when it serves `/ws` on the stack's port. */
  readonly port: number | undefined;
  /** The handlers' post: `gone` for a socket that is not open. */
  post(connectionId: string, data: string): 'sent' | 'gone';
  /** The open sockets, for the `@connections` HTTP API. */
  readonly connections: LocalConnections;
  /** The thread's counters (undefined on the stack's loop, where a busy loop could not read them anyway). */
  counts(): GatewayCounts | undefined;
  /** From now on upgrades go to the handlers (those reaching the stack's server too). */
  attach(server: Server): void;
  /** Closes every socket (each gets its `$disconnect`) and waits for the handlers. */
  stop(): Promise<void>;
}

export async function startWebSocketFront(invoke: WsInvoke, options: { thread: boolean }): Promise<WebSocketFront> {
  if (options.thread) {
    const worker = await startWebSocketGatewayWorker(invoke);
    return {
      port: worker.port,
      post: (connectionId, data) => worker.post(connectionId, data),
      connections: worker.connections,
      counts: () => worker.counts(),
      attach(server) {
        worker.serve();
        server.on('upgrade', forwardUpgradeTo(worker.port));
      },
      stop: () => worker.stop(),
    };
  }
  const gateway = new LocalWebSocketGateway({
    routes: WS_ROUTES,
    handlerFor: (route) => (event) => invoke(route.handler, event),
    path: LOCAL_WS_PATH,
    routeSelectionField: ROUTE_SELECTION_FIELD,
  });
  return {
    port: undefined,
    post: (connectionId, data) => (gateway.send(connectionId, data) ? 'sent' : 'gone'),
    connections: gateway,
    counts: () => undefined,
    attach: (server) => gateway.attach(server),
    stop: () => gateway.close(),
  };
}
