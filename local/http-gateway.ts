import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { type DefaultRouteSpec, matchPath, type RouteSpec, routeKey } from '../contract/http-routes';
import { logger } from '../lambdas/core/platform/logger';

/**
 * The local stand-in for API Gateway (HTTP API, payload format 2.0) and the static site: turns a
 * request into the event a Lambda handler receives, calls the very same handler, and writes its
 * result back. Everything outside /api/ is the frontend, with index.html as the SPA fallback.
 */

export type ApiHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyResultV2>;

/** An AWS service API served on the same port (e.g. Step Functions), recognised by its request. */
export interface ServiceEndpoint {
  readonly matches: (req: IncomingMessage) => boolean;
  readonly listener: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
}

export interface HttpGatewayOptions {
  readonly routes: readonly RouteSpec[];
  /**
   * API Gateway's `$default` route: what no route matches, and (here) a body over the gateway's
   * buffer. Without one, as on API Gateway, those get API Gateway's own bare `{ message }`.
   */
  readonly defaultRoute?: DefaultRouteSpec;
  readonly handlerFor: (route: RouteSpec | DefaultRouteSpec) => ApiHandler;
  /** Folder of the built frontend. */
  readonly staticDir: string;
  readonly services?: readonly ServiceEndpoint[];
  /**
   * Fault injection (`api.crash`), asked after the handler ran: true discards its answer and
   * responds 502, as when the Lambda dies after its side effects.
   */
  readonly crashAfterHandler?: () => boolean;
  /**
   * True while the stack is still starting (handlers not loaded yet): the API and the page then
   * answer `503 Starting` (STARTING_ERROR, `Retry-After: 1`) instead of failing; the service
   * endpoints are served already, since the start-up itself uses them (the reconciler's first run
   * calls the Step Functions API).
   */
  readonly isStarting?: () => boolean;
  /** The WebSocket API's own port, for `/config.json` (default: this port's `/ws`). */
  readonly webSocketPort?: number;
}

/** What the port answers until the stack can serve. */
export const STARTING_ERROR = {
  error: { code: 'Starting', message: 'TicketDrop is starting; try again in a moment' },
} as const;
export const STARTING_RETRY_AFTER_SECONDS = 1;

/** What API Gateway answers when the integration (the Lambda) fails. */
const INTEGRATION_FAILED = { message: 'Internal Server Error' };

/**
 * The most the gateway buffers of a body. API Gateway refuses larger payloads too (its limit is
 * 10 MB, a Lambda's 6 MB; no TicketDrop request comes close to either). Every handler refuses far
 * less (16 KiB, lambdas/api/request.ts), so this cap only keeps a huge upload out of memory.
 */
const MAX_BODY_BYTES = 1024 * 1024;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
};

export function createHttpGateway(options: HttpGatewayOptions) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const service = options.services?.find((s) => s.matches(req));
      if (service) return await service.listener(req, res);
      if (options.isStarting?.()) return sendStarting(res);
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname === '/api' || url.pathname.startsWith('/api/')) await serveApi(options, req, res, url);
      else await serveStatic(options, url.pathname, req, res);
    } catch (error) {
      // A handler that throws fails this request only (500), never the server.
      logger.error('Local gateway: the request failed', { method: req.method, path: req.url, error: error as Error });
      if (!res.headersSent) sendJson(res, 500, INTEGRATION_FAILED);
      else res.destroy(error instanceof Error ? error : undefined);
    }
  };
}

/** Finds the route whose template matches, with the values of its `{parameters}`. */
export function matchRoute(
  routes: readonly RouteSpec[],
  method: string,
  path: string,
): { route: RouteSpec; pathParameters: Record<string, string> } | undefined {
  for (const route of routes) {
    if (route.method !== method) continue;
    const pathParameters = matchPath(route.path, path);
    if (pathParameters) return { route, pathParameters };
  }
  return undefined;
}

async function serveApi(options: HttpGatewayOptions, req: IncomingMessage, res: ServerResponse, url: URL) {
  const match = matchRoute(options.routes, req.method ?? 'GET', url.pathname);
  const { body, complete } = await readBody(req);
  // A body over the buffer goes to `$default` (with what was read: more than any route accepts),
  // whose handler refuses it in the documented shape, as it does an unknown route.
  const target =
    complete && match ? match : options.defaultRoute ? { route: options.defaultRoute, pathParameters: {} } : undefined;
  if (!target) {
    // API Gateway's own answers, for a route table without `$default`.
    return complete
      ? sendJson(res, 404, { message: 'Not Found' })
      : sendJson(res, 413, { message: 'Request Entity Too Large' });
  }
  const event = toApiGatewayEvent(req, url, keyOf(target.route), target.pathParameters, body);
  const result = await options.handlerFor(target.route)(event);
  if (options.crashAfterHandler?.()) {
    logger.warn('Local gateway: injected fault api.crash, the answer is discarded', { routeKey: keyOf(target.route) });
    return sendJson(res, 502, INTEGRATION_FAILED);
  }
  writeResult(res, result);
}

const keyOf = (route: RouteSpec | DefaultRouteSpec): string => ('routeKey' in route ? route.routeKey : routeKey(route));

export function toApiGatewayEvent(
  req: IncomingMessage,
  url: URL,
  key: string,
  pathParameters: Record<string, string>,
  body: Buffer,
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && name !== 'cookie') headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const query = url.searchParams.size > 0 ? Object.fromEntries(url.searchParams) : undefined;
  const now = Date.now();
  const requestId = randomUUID();
  return {
    version: '2.0',
    routeKey: key,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    cookies: req.headers.cookie?.split(';').map((c) => c.trim()),
    headers,
    queryStringParameters: query,
    pathParameters: Object.keys(pathParameters).length > 0 ? pathParameters : undefined,
    body: body.length > 0 ? body.toString('utf8') : undefined,
    isBase64Encoded: false,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: key,
      stage: '$default',
      time: new Date(now).toISOString(),
      timeEpoch: now,
    },
  };
}

function writeResult(res: ServerResponse, result: APIGatewayProxyResultV2): void {
  // Payload format 2.0 lets a handler return a bare value, which API Gateway sends as JSON.
  if (typeof result === 'string' || result === null || typeof result !== 'object' || !('statusCode' in result)) {
    sendJson(res, 200, result);
    return;
  }
  for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, String(value));
  if (result.cookies?.length) res.setHeader('set-cookie', result.cookies);
  const body =
    result.body === undefined ? '' : result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body;
  res.writeHead(result.statusCode ?? 200).end(body);
}

/**
 * The body, or (complete: false) its first chunks once it passes MAX_BODY_BYTES. The rest is read
 * and dropped rather than left unread: breaking off would destroy the socket, and the client
 * would see a reset instead of the answer.
 */
function readBody(req: IncomingMessage): Promise<{ body: Buffer; complete: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) return;
      req.off('data', onData).resume();
      resolve({ body: Buffer.concat(chunks), complete: false });
    };
    req.on('data', onData);
    // After an early resolve these settle nothing (a promise settles once).
    req.once('end', () => resolve({ body: Buffer.concat(chunks), complete: true }));
    req.once('error', reject);
  });
}

/**
 * The built frontend (frontend/dist). `/config.json` tells the stage-independent build where the
 * API and the WebSocket are: here, the same origin. Hashed files under /assets/ never change, so
 * browsers may keep them for a year; index.html and config.json are revalidated every time.
 */
async function serveStatic(
  options: Pick<HttpGatewayOptions, 'staticDir' | 'webSocketPort'>,
  pathname: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const { staticDir } = options;
  if (pathname === '/config.json') {
    res.writeHead(200, { 'content-type': CONTENT_TYPES['.json']!, 'cache-control': 'no-cache' });
    res.end(JSON.stringify(frontendConfig(req, options.webSocketPort)));
    return;
  }
  const relative = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, '');
  const candidate = join(staticDir, relative);
  const inside = candidate === staticDir || candidate.startsWith(staticDir.endsWith(sep) ? staticDir : staticDir + sep);
  if (inside && (await isFile(candidate))) return sendFile(res, candidate, cacheControlFor(relative));
  // A missing file (a stale hashed asset, a typo) is a 404; any other path is a page of the SPA.
  if (relative.startsWith('assets/') || extname(relative) !== '') return sendJson(res, 404, { message: 'Not Found' });
  const index = join(staticDir, 'index.html');
  if (!(await isFile(index))) return sendFrontendMissing(res, staticDir);
  return sendFile(res, index, 'no-cache');
}

/**
 * What the local gateway tells the frontend: API on this origin, WebSocket on /ws of this host —
 * at the WebSocket API's own port when it has one (as on AWS, where it has a host of its own).
 */
export function frontendConfig(
  req: IncomingMessage,
  webSocketPort?: number,
): { apiBaseUrl: string; websocketUrl: string } {
  const host = /^[\w.\-:[\]]+$/.test(req.headers.host ?? '') ? req.headers.host! : '127.0.0.1';
  const webSocketHost = webSocketPort === undefined ? host : `${new URL(`http://${host}`).hostname}:${webSocketPort}`;
  return { apiBaseUrl: '', websocketUrl: `ws://${webSocketHost}/ws` };
}

function cacheControlFor(relative: string): string {
  if (relative.startsWith('assets/')) return 'public, max-age=31536000, immutable';
  return relative === 'index.html' ? 'no-cache' : 'public, max-age=60';
}

function sendFile(res: ServerResponse, file: string, cacheControl: string): void {
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'cache-control': cacheControl,
  });
  createReadStream(file).pipe(res);
}

function sendFrontendMissing(res: ServerResponse, staticDir: string): void {
  res.writeHead(503, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(
    [
      '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>TicketDrop: frontend not built</title></head>',
      '<body style="font-family: system-ui, sans-serif; margin: 2rem">',
      '<h1>The frontend is not built yet</h1>',
      `<p>There is no <code>index.html</code> in <code>${escapeHtml(staticDir)}</code>. Build it with`,
      '<pre>npm run build:web</pre>',
      'and reload this page (<code>npm start</code> builds it before it starts). The API under <code>/api/</code> works meanwhile.</p>',
      '</body></html>',
    ].join('\n'),
  );
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

/** A WebSocket upgrade during the start: the same 503 (there is no $connect handler yet). */
export function refuseUpgradeWhileStarting(_req: IncomingMessage, socket: Duplex): void {
  socket.on('error', () => undefined); // a client that gives up is no error of the stack
  const body = JSON.stringify(STARTING_ERROR);
  socket.end(
    `HTTP/1.1 503 Service Unavailable\r\nRetry-After: ${STARTING_RETRY_AFTER_SECONDS}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export function sendStarting(res: ServerResponse): void {
  res.setHeader('retry-after', String(STARTING_RETRY_AFTER_SECONDS));
  res.setHeader('cache-control', 'no-store');
  sendJson(res, 503, STARTING_ERROR);
}

function sendJson(res: ServerResponse, statusCode: number, body: unknown): void {
  res.writeHead(statusCode, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
