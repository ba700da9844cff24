import { randomBytes, randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { APIGatewayProxyResultV2, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import type { WsRouteSpec } from '../contract/ws-routes';
import { logger } from '../lambdas/core/platform/logger';
import type { LocalConnections } from './connections-api';

/**
 * The local stand-in for an API Gateway WebSocket API: accepts upgrades on one path of the stack's
 * HTTP server, turns connect / message / disconnect into the events a Lambda receives, calls the
 * very same handler modules, and keeps the open sockets so the `@connections` API can reach them.
 */

export type WsHandler = (event: APIGatewayProxyWebsocketEventV2) => Promise<APIGatewayProxyResultV2>;

export interface WebSocketGatewayOptions {
  readonly routes: readonly WsRouteSpec[];
  readonly handlerFor: (route: WsRouteSpec) => WsHandler;
  /** Upgrade path, e.g. `/ws`. */
  readonly path: string;
  /** The JSON field of a message that selects its route (`$request.body.<field>`). */
  readonly routeSelectionField: string;
  /** Called once a socket is open (its $connect answered 2xx, the upgrade done): a counter's hook. */
  readonly onOpen?: (connectionId: string) => void;
}

interface OpenConnection {
  readonly socket: WebSocket;
  readonly connectedAt: number;
  readonly sourceIp: string;
  readonly userAgent: string;
  lastActiveAt: number;
}

/** API Gateway's WebSocket message size limit. */
const MAX_MESSAGE_BYTES = 128 * 1024;
const STAGE = 'local';

export class LocalWebSocketGateway implements LocalConnections {
  private readonly server = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  private readonly open = new Map<string, OpenConnection>();
  /** Handler calls in flight, so close() can wait for the last $disconnect. */
  private readonly pending = new Set<Promise<unknown>>();
  private closing = false;

  constructor(private readonly options: WebSocketGatewayOptions) {}

  /** Serves upgrades on the HTTP server; anything but the WebSocket path is refused. */
  attach(http: Server): void {
    http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      // A client that resets the connection mid-upgrade is its own problem, never the process's.
      socket.on('error', (error: Error) => logger.warn('WebSocket upgrade: socket error', { error }));
      this.track(this.upgrade(req, socket, head)).catch((error: unknown) => {
        logger.error('WebSocket upgrade failed', { error: error as Error });
        refuse(socket, 500);
      });
    });
  }

  send(connectionId: string, data: string): boolean {
    const connection = this.open.get(connectionId);
    if (!connection || connection.socket.readyState !== WebSocket.OPEN) return false;
    connection.socket.send(data);
    return true;
  }

  info(connectionId: string) {
    const connection = this.open.get(connectionId);
    if (!connection) return undefined;
    const { connectedAt, lastActiveAt, sourceIp, userAgent } = connection;
    return { connectedAt, lastActiveAt, sourceIp, userAgent };
  }

  disconnect(connectionId: string): boolean {
    const connection = this.open.get(connectionId);
    if (!connection) return false;
    connection.socket.close(1000, 'Closed by the server');
    return true;
  }

  /** Closes every socket (each gets its $disconnect, as on AWS) and waits for the handlers. */
  async close(): Promise<void> {
    this.closing = true;
    const sockets = [...this.open.values()].map(({ socket }) => socket);
    const closed = sockets.map((socket) => new Promise((resolve) => socket.once('close', resolve)));
    for (const socket of sockets) socket.terminate();
    await Promise.all(closed);
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== this.options.path || this.closing) return refuse(socket, 404);
    const connectionId = randomBytes(12).toString('base64url');
    const connectedAt = Date.now();
    const query = url.searchParams.size > 0 ? Object.fromEntries(url.searchParams) : undefined;
    const event = this.event(req, connectionId, connectedAt, '$connect', 'CONNECT', { queryStringParameters: query });
    const result = await this.handler('$connect')(event);
    if (!connectAccepted(result)) return refuse(socket, statusOf(result));
    if (socket.destroyed) {
      // The client left while $connect ran: API Gateway would still send $disconnect.
      await this.handler('$disconnect')(this.event(req, connectionId, connectedAt, '$disconnect', 'DISCONNECT', {}));
      return;
    }
    this.server.handleUpgrade(req, socket, head, (ws) => this.register(ws, req, connectionId, connectedAt));
  }

  private register(socket: WebSocket, req: IncomingMessage, connectionId: string, connectedAt: number): void {
    const connection: OpenConnection = {
      socket,
      connectedAt,
      lastActiveAt: connectedAt,
      sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
      userAgent: req.headers['user-agent'] ?? '',
    };
    this.open.set(connectionId, connection);
    this.options.onOpen?.(connectionId);
    // Without a listener an 'error' event would be thrown and take the whole local stack down. The
    // errors `ws` reports here (a frame over the 128 KiB limit, an invalid frame, a reset) already
    // close this one socket with the right code — 1009 for a message too big, as API Gateway does.
    socket.on('error', (error: Error & { code?: string }) =>
      logger.warn('WebSocket closed after a protocol error', { connectionId, errorCode: error.code, error }),
    );
    socket.on('message', (data: RawData) => {
      connection.lastActiveAt = Date.now();
      void this.track(this.message(req, connectionId, connectedAt, socket, rawText(data)));
    });
    socket.on('close', (code: number, reason: Buffer) => {
      this.open.delete(connectionId);
      const extra = { disconnectStatusCode: code, disconnectReason: reason.toString('utf8') };
      const event = this.event(req, connectionId, connectedAt, '$disconnect', 'DISCONNECT', {}, extra);
      void this.track(this.handler('$disconnect')(event)).catch((error: unknown) =>
        logger.error('WebSocket $disconnect handler failed', { connectionId, error: error as Error }),
      );
    });
  }

  private async message(
    req: IncomingMessage,
    connectionId: string,
    connectedAt: number,
    socket: WebSocket,
    body: string,
  ): Promise<void> {
    const route = this.selectRoute(body);
    const requestId = randomUUID();
    try {
      const event = this.event(req, connectionId, connectedAt, route.routeKey, 'MESSAGE', { body }, {}, requestId);
      const result = await this.options.handlerFor(route)(event);
      const responseBody =
        typeof result === 'string' ? result : result && typeof result === 'object' ? result.body : undefined;
      if (route.returnResponse && responseBody !== undefined && socket.readyState === WebSocket.OPEN)
        socket.send(responseBody);
    } catch (error) {
      logger.error('WebSocket route handler failed', { connectionId, routeKey: route.routeKey, error: error as Error });
      // What API Gateway sends the client when the integration fails.
      if (socket.readyState === WebSocket.OPEN)
        socket.send(JSON.stringify({ message: 'Internal server error', connectionId, requestId }));
    }
  }

  /** `$request.body.<field>`: a message whose field names a route goes there, anything else to $default. */
  private selectRoute(body: string): WsRouteSpec {
    let selector: unknown;
    try {
      selector = (JSON.parse(body) as Record<string, unknown> | null)?.[this.options.routeSelectionField];
    } catch {
      selector = undefined;
    }
    const custom = this.options.routes.find((r) => !r.routeKey.startsWith('$') && r.routeKey === selector);
    return custom ?? this.route('$default');
  }

  private handler(routeKey: string): WsHandler {
    return this.options.handlerFor(this.route(routeKey));
  }

  private route(routeKey: string): WsRouteSpec {
    const route = this.options.routes.find((r) => r.routeKey === routeKey);
    if (!route) throw new Error(`No WebSocket route ${routeKey}`);
    return route;
  }

  private event(
    req: IncomingMessage,
    connectionId: string,
    connectedAt: number,
    routeKey: string,
    eventType: 'CONNECT' | 'MESSAGE' | 'DISCONNECT',
    payload: Pick<APIGatewayProxyWebsocketEventV2, 'body' | 'queryStringParameters'>,
    extraContext: Record<string, unknown> = {},
    requestId: string = randomUUID(),
  ): APIGatewayProxyWebsocketEventV2 {
    const now = Date.now();
    return {
      ...payload,
      isBase64Encoded: false,
      requestContext: {
        routeKey,
        eventType,
        messageId: randomUUID(),
        extendedRequestId: requestId,
        requestId,
        requestTime: new Date(now).toUTCString(),
        requestTimeEpoch: now,
        messageDirection: 'IN',
        stage: STAGE,
        connectedAt,
        domainName: req.headers.host ?? 'localhost',
        connectionId,
        apiId: 'local',
        ...extraContext,
      },
    };
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.pending.add(work);
    const untrack = () => this.pending.delete(work);
    work.then(untrack, untrack);
    return work;
  }
}

/** A `$connect` result that lets the socket open (API Gateway: a 2xx status, or no status at all). */
export function connectAccepted(result: APIGatewayProxyResultV2): boolean {
  const status = statusOf(result);
  return status >= 200 && status <= 299;
}

function statusOf(result: APIGatewayProxyResultV2): number {
  return typeof result === 'object' && result !== null && typeof result.statusCode === 'number'
    ? result.statusCode
    : 200;
}

/** Answers the upgrade request with a plain HTTP status, as API Gateway does for a refused $connect. */
function refuse(socket: Duplex, status: number): void {
  if (socket.destroyed) return;
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}
