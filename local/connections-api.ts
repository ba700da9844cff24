import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServiceEndpoint } from './http-gateway';

/**
 * API Gateway's `@connections` management API on the local stack's port, so the broadcaster's
 * `PostToConnection` (from `@aws-sdk/client-apigatewaymanagementapi`) runs unchanged:
 *   POST   /@connections/{id}  send the body to the socket     (410 GoneException if it is gone)
 *   GET    /@connections/{id}  connection info
 *   DELETE /@connections/{id}  close the socket
 */

/** What `@connections` tells of one open socket. */
export interface ConnectionInfo {
  readonly connectedAt: number;
  readonly lastActiveAt: number;
  readonly sourceIp: string;
  readonly userAgent: string;
}

/**
 * The open sockets, as the local WebSocket gateway keeps them: on this thread (sync), or on the
 * gateway's own thread, asked over its message port (local/websocket-gateway-worker.ts).
 */
export interface LocalConnections {
  send(connectionId: string, data: string): boolean | Promise<boolean>;
  info(connectionId: string): ConnectionInfo | undefined | Promise<ConnectionInfo | undefined>;
  disconnect(connectionId: string): boolean | Promise<boolean>;
}

const PREFIX = '/@connections/';
/** API Gateway's limit for one `@connections` post (the local poster enforces the same). */
export const MAX_POST_BYTES = 128 * 1024;

export function isConnectionsRequest(req: IncomingMessage): boolean {
  return new URL(req.url ?? '/', 'http://localhost').pathname.startsWith(PREFIX);
}

export function connectionsEndpoint(connections: LocalConnections): ServiceEndpoint {
  return {
    matches: isConnectionsRequest,
    async listener(req, res) {
      const connectionId = decodeURIComponent(
        new URL(req.url ?? '/', 'http://localhost').pathname.slice(PREFIX.length),
      );
      switch (req.method) {
        case 'POST': {
          const data = await readBody(req);
          if (data === undefined) return sendError(res, 413, 'PayloadTooLargeException', 'Message too long');
          return (await connections.send(connectionId, data.toString('utf8'))) ? sendEmpty(res, 200) : sendGone(res);
        }
        case 'GET': {
          const info = await connections.info(connectionId);
          if (!info) return sendGone(res);
          // The wire names are camelCase (the SDK maps them to ConnectedAt, Identity, ...).
          return sendJson(res, 200, {
            connectedAt: new Date(info.connectedAt).toISOString(),
            lastActiveAt: new Date(info.lastActiveAt).toISOString(),
            identity: { sourceIp: info.sourceIp, userAgent: info.userAgent },
          });
        }
        case 'DELETE':
          return (await connections.disconnect(connectionId)) ? sendEmpty(res, 204) : sendGone(res);
        default:
          return sendError(res, 400, 'BadRequestException', `Unsupported method ${req.method ?? ''}`);
      }
    },
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_POST_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** A REST-JSON service error: the SDK reads its type from `x-amzn-ErrorType`. */
function sendError(res: ServerResponse, status: number, type: string, message: string | null): void {
  res
    .writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type })
    .end(JSON.stringify({ message }));
}

/** What API Gateway answers for a connection that is closed or never existed. */
function sendGone(res: ServerResponse): void {
  sendError(res, 410, 'GoneException', null);
}

function sendEmpty(res: ServerResponse, status: number): void {
  res.writeHead(status).end();
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
