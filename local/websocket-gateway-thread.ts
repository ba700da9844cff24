/**
 * The thread side of websocket-gateway-worker.ts: the local WebSocket API's front — accepting TCP
 * connections, the upgrade, frames, the `@connections` API on the open sockets — on this worker
 * thread's own event loop and its own port. Route handlers are not run here: each `$connect`,
 * `$disconnect` and message is handed to the stack's thread as an invocation (as API Gateway
 * invokes a Lambda) and its result awaited; the stack's `@connections` calls come back as batches.
 * Upgrades are answered `503 Starting` until the stack says `serve`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import { LOCAL_WS_PATH, ROUTE_SELECTION_FIELD, WS_ROUTES } from '../contract/ws-routes';
import { logger } from '../lambdas/core/platform/logger';
import { connectionsEndpoint } from './connections-api';
import { refuseUpgradeWhileStarting } from './http-gateway';
import { closeServer } from './http-listen';
import { LocalWebSocketGateway } from './websocket-gateway';
import {
  type ConnectionCall,
  GATEWAY_COUNTERS,
  type GatewayReply,
  type GatewayRequest,
  type GatewayWorkerData,
} from './websocket-gateway-worker';

const port = parentPort;
if (!port) throw new Error('websocket-gateway-thread.ts runs as a worker of websocket-gateway-worker.ts');
const { counters: countersBuffer } = (workerData as { data: GatewayWorkerData }).data;
const counters = new Int32Array(countersBuffer);
const reply = (message: GatewayReply) => port.postMessage(message);

let nextInvocation = 1;
const invocations = new Map<
  number,
  { resolve: (result: APIGatewayProxyResultV2) => void; reject: (error: Error) => void }
>();

const gateway = new LocalWebSocketGateway({
  routes: WS_ROUTES,
  path: LOCAL_WS_PATH,
  routeSelectionField: ROUTE_SELECTION_FIELD,
  handlerFor: (route) => (event) =>
    new Promise((resolve, reject) => {
      const id = nextInvocation++;
      invocations.set(id, { resolve, reject });
      if (event.requestContext.eventType === 'CONNECT') Atomics.add(counters, GATEWAY_COUNTERS.upgradesReceived, 1);
      reply({ type: 'invoke', id, handler: route.handler, event });
    }),
  onOpen: () => Atomics.add(counters, GATEWAY_COUNTERS.opened, 1),
});

const managementApi = connectionsEndpoint(gateway);
const server = createServer((req, res) => {
  if (managementApi.matches(req)) {
    managementApi.listener(req, res).catch((error: unknown) => {
      logger.error('Local @connections API: the request failed', { error: error as Error });
      if (!res.headersSent) res.writeHead(500).end();
    });
    return;
  }
  res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'Not Found' }));
});
server.on('connection', () => Atomics.add(counters, GATEWAY_COUNTERS.accepted, 1));
server.on('upgrade', refuseUpgradeWhileStarting);

function answer(call: ConnectionCall): unknown {
  switch (call.op) {
    case 'post':
      return gateway.send(call.connectionId, call.data);
    case 'info':
      return gateway.info(call.connectionId);
    case 'disconnect':
      return gateway.disconnect(call.connectionId);
  }
}

port.on('message', (message: GatewayRequest) => {
  switch (message.type) {
    case 'serve':
      server.off('upgrade', refuseUpgradeWhileStarting);
      gateway.attach(server);
      return;
    case 'calls':
      reply({ type: 'answers', answers: message.calls.map((call) => ({ id: call.id, value: answer(call) })) });
      return;
    case 'frames': {
      const undelivered = message.frames
        .filter(({ connectionId, data }) => !gateway.send(connectionId, data))
        .map(({ connectionId }) => connectionId);
      if (undelivered.length > 0) reply({ type: 'undelivered', connectionIds: undelivered });
      return;
    }
    case 'result':
    case 'failed': {
      const invocation = invocations.get(message.id);
      invocations.delete(message.id);
      if (message.type === 'result') invocation?.resolve(message.result);
      else invocation?.reject(new Error(message.message));
      return;
    }
    case 'close':
      // Every socket gets its $disconnect (answered by the stack, still running), then the port closes.
      void gateway
        .close()
        .then(() => closeServer(server))
        .finally(() => reply({ type: 'closed' }));
      return;
  }
});

server.listen(0, '127.0.0.1', () => reply({ type: 'listening', port: (server.address() as AddressInfo).port }));
