import type { APIGatewayProxyResultV2, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import type { WsHandlerId } from '../contract/ws-routes';
import { logger } from '../lambdas/core/platform/logger';
import type { ConnectionInfo, LocalConnections } from './connections-api';
import { startTsxWorker } from './tsx-worker';
import { connectAccepted } from './websocket-gateway';

/**
 * The local WebSocket API's front on a worker thread of its own (websocket-gateway-thread.ts):
 * it accepts the TCP connections on its own port, upgrades them, reads and writes the frames and
 * keeps the open sockets; the route handlers run on the stack's thread, invoked per route as API
 * Gateway invokes a Lambda (`invoke`).
 *
 * Why: during a sale the stack's event loop is saturated by the sale's handlers, and Node accepts
 * about one new connection per event-loop turn (bench/RESULTS.md, "Quiet runs after merging
 * leases…": ≈ 40 accepts/s, ≈ 480 connections pending, a buyer's socket waiting up to 10 s to be
 * accepted). On AWS API Gateway accepts the sockets, not the Lambdas; here the worker's loop does,
 * at once, whatever the stack's loop is busy with. A thread, not a process: it ends with the stack's
 * process however that ends, and the handlers (their SDK meter, the fault switch, `configure`) stay
 * where they were.
 */

/** What the stack's thread runs for one route invocation (the handler of that id, with this event). */
export type WsInvoke = (
  handler: WsHandlerId,
  event: APIGatewayProxyWebsocketEventV2,
) => Promise<APIGatewayProxyResultV2>;

/** Counters the worker keeps in shared memory, readable while the stack's thread is busy. */
export const GATEWAY_COUNTERS = {
  /** TCP connections accepted. */
  accepted: 0,
  /** WebSocket upgrade requests read (each a `$connect` invocation sent to the stack). */
  upgradesReceived: 1,
  /** Sockets open ($connect answered 2xx, 101 sent). */
  opened: 2,
} as const;
const COUNTER_SLOTS = 3;

export interface GatewayCounts {
  readonly accepted: number;
  readonly upgradesReceived: number;
  readonly opened: number;
}

export interface GatewayWorkerData {
  readonly counters: SharedArrayBuffer;
}

/** One `@connections` call from the stack to the worker's sockets. */
export type ConnectionCall =
  | { readonly id: number; readonly op: 'post'; readonly connectionId: string; readonly data: string }
  | { readonly id: number; readonly op: 'info' | 'disconnect'; readonly connectionId: string };

/** A message for one open socket, written without an answer awaited (the handlers' poster). */
export interface Frame {
  readonly connectionId: string;
  readonly data: string;
}

/**
 * stack → worker. `calls` and `frames` are batched: every call (frame) made in one turn of the
 * stack's loop goes in one message.
 */
export type GatewayRequest =
  | { readonly type: 'serve' }
  | { readonly type: 'calls'; readonly calls: readonly ConnectionCall[] }
  | { readonly type: 'frames'; readonly frames: readonly Frame[] }
  | { readonly type: 'result'; readonly id: number; readonly result: APIGatewayProxyResultV2 }
  | { readonly type: 'failed'; readonly id: number; readonly message: string }
  | { readonly type: 'close' };

/** worker → stack. */
export type GatewayReply =
  | { readonly type: 'listening'; readonly port: number }
  | {
      readonly type: 'invoke';
      readonly id: number;
      readonly handler: WsHandlerId;
      readonly event: APIGatewayProxyWebsocketEventV2;
    }
  | { readonly type: 'answers'; readonly answers: readonly { readonly id: number; readonly value: unknown }[] }
  /** Frames of a batch whose socket was no longer open: those connections are gone. */
  | { readonly type: 'undelivered'; readonly connectionIds: readonly string[] }
  | { readonly type: 'closed' };

export interface WebSocketGatewayWorker {
  /** The worker's own port on 127.0.0.1: the WebSocket API (`/ws`) and its `@connections` API. */
  readonly port: number;
  /**
   * The handlers' post (the `@connections` poster): answered here, at once, from the sockets this
   * thread knows to be open — `$connect` answered 2xx, no `$disconnect` since, no frame undelivered
   * — and the frame written on the worker's thread. Awaiting the worker's answer instead cost a
   * turn of this (busy) loop per post: a shard worker posting 32 at a time then took a turn per 32
   * viewers (bench:fanout's build→viewer p99 283 → 969 ms). As on API Gateway, a socket that just
   * closed may take a message; the post after the gateway knows is answered 410.
   */
  post(connectionId: string, data: string): 'sent' | 'gone';
  /** The open sockets, reached on the worker's thread (exact answers: the `@connections` HTTP API). */
  readonly connections: LocalConnections & {
    send(connectionId: string, data: string): Promise<boolean>;
    info(connectionId: string): Promise<ConnectionInfo | undefined>;
    disconnect(connectionId: string): Promise<boolean>;
  };
  /** The worker's counters now (shared memory: exact even while this thread has not yielded). */
  counts(): GatewayCounts;
  /** From now on upgrades go to the handlers (until then they are answered `503 Starting`). */
  serve(): void;
  /** Closes every socket (each gets its `$disconnect`, run by `invoke`), then ends the thread; idempotent. */
  stop(): Promise<void>;
}

/** How long the worker may take to close its sockets (their $disconnect handlers) before it is ended anyway. */
const CLOSE_WITHIN_MS = 15_000;

export async function startWebSocketGatewayWorker(invoke: WsInvoke): Promise<WebSocketGatewayWorker> {
  const counters = new SharedArrayBuffer(COUNTER_SLOTS * Int32Array.BYTES_PER_ELEMENT);
  const worker = startTsxWorker(new URL('./websocket-gateway-thread.ts', import.meta.url), {
    counters,
  } satisfies GatewayWorkerData);
  const request = (message: GatewayRequest) => worker.postMessage(message);
  const pending = new Map<number, (value: unknown) => void>();
  let exited = false;
  const gone = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      exited = true;
      // A call the worker can no longer answer: its socket is gone with it.
      for (const resolveCall of pending.values()) resolveCall(undefined);
      pending.clear();
      resolve();
    }),
  );
  // The sockets open as this thread has seen them (see `post`).
  const open = new Set<string>();
  let closed: () => void = () => undefined;
  const closedByWorker = new Promise<void>((resolve) => (closed = resolve));

  const listening = new Promise<number>((resolve, reject) => {
    worker.once('error', reject);
    void gone.then(() => reject(new Error('The WebSocket gateway thread exited before it listened')));
    worker.on('message', (reply: GatewayReply) => {
      switch (reply.type) {
        case 'listening':
          worker.off('error', reject);
          resolve(reply.port);
          return;
        case 'invoke': {
          const { routeKey, connectionId } = reply.event.requestContext;
          if (routeKey === '$disconnect') open.delete(connectionId);
          invoke(reply.handler, reply.event).then(
            (result) => {
              if (routeKey === '$connect' && connectAccepted(result)) open.add(connectionId);
              request({ type: 'result', id: reply.id, result });
            },
            (error: unknown) =>
              request({
                type: 'failed',
                id: reply.id,
                message: error instanceof Error ? error.message : String(error),
              }),
          );
          return;
        }
        case 'undelivered':
          for (const connectionId of reply.connectionIds) open.delete(connectionId);
          return;
        case 'answers':
          for (const { id, value } of reply.answers) {
            pending.get(id)?.(value);
            pending.delete(id);
          }
          return;
        case 'closed':
          closed();
          return;
      }
    });
  });
  let port: number;
  try {
    port = await listening;
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  worker.on('error', (error) => logger.error('The WebSocket gateway thread failed', { error }));

  // Every call made in one turn of this loop goes to the worker as one message (a tick's posts to
  // a shard's hundreds of viewers), and comes back as one.
  let nextCall = 1;
  let batch: ConnectionCall[] = [];
  const flush = () => {
    const calls = batch;
    batch = [];
    if (!exited) request({ type: 'calls', calls });
  };
  const call = <T>(make: (id: number) => ConnectionCall): Promise<T> =>
    new Promise((resolve) => {
      if (exited) return resolve(undefined as T); // the worker is gone, and every socket with it
      const next = make(nextCall++);
      pending.set(next.id, resolve as (value: unknown) => void);
      if (batch.push(next) === 1) queueMicrotask(flush);
    });

  let frames: Frame[] = [];
  const flushFrames = () => {
    const batch = frames;
    frames = [];
    if (!exited) request({ type: 'frames', frames: batch });
  };

  let stopping: Promise<void> | undefined;
  return {
    port,
    post(connectionId, data) {
      if (exited || !open.has(connectionId)) return 'gone';
      if (frames.push({ connectionId, data }) === 1) queueMicrotask(flushFrames);
      return 'sent';
    },
    connections: {
      send: async (connectionId, data) =>
        (await call<boolean>((id) => ({ id, op: 'post', connectionId, data }))) === true,
      info: (connectionId) => call<ConnectionInfo | undefined>((id) => ({ id, op: 'info', connectionId })),
      disconnect: async (connectionId) => {
        open.delete(connectionId);
        return (await call<boolean>((id) => ({ id, op: 'disconnect', connectionId }))) === true;
      },
    },
    counts: () => {
      const view = new Int32Array(counters);
      return {
        accepted: Atomics.load(view, GATEWAY_COUNTERS.accepted),
        upgradesReceived: Atomics.load(view, GATEWAY_COUNTERS.upgradesReceived),
        opened: Atomics.load(view, GATEWAY_COUNTERS.opened),
      };
    },
    serve: () => request({ type: 'serve' }),
    stop: () =>
      (stopping ??= (async () => {
        if (exited) return;
        request({ type: 'close' });
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          closedByWorker,
          gone,
          new Promise<void>((resolve) => {
            timer = setTimeout(resolve, CLOSE_WITHIN_MS);
          }),
        ]);
        clearTimeout(timer);
        await worker.terminate();
      })()),
  };
}
