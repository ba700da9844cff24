import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DefaultRouteSpec, RouteSpec } from '../../contract/http-routes';
import { type ApiHandler, createHttpGateway } from '../../local/http-gateway';

/**
 * The local gateway routes as API Gateway does, from the route table alone: a matching route
 * gets its handler; anything else (unknown path, other method) and a body beyond the gateway's
 * buffer go to the table's `$default` handler. Without `$default`, API Gateway's own bare answers.
 */
describe('the local HTTP gateway’s routing', () => {
  const seen: APIGatewayProxyEventV2[] = [];
  const routes = [{ method: 'POST', path: '/api/things/{thingId}', handler: 'things' }] as unknown as RouteSpec[];
  const defaultRoute = { routeKey: '$default', handler: 'fallback' } as unknown as DefaultRouteSpec;
  const handlers: Record<string, ApiHandler> = {
    things: async (event) => {
      seen.push(event);
      return { statusCode: 201, body: 'thing' };
    },
    fallback: async (event) => {
      seen.push(event);
      return { statusCode: 418, body: 'fallback' };
    },
  };

  const servers: Server[] = [];
  let withDefault = '';
  let withoutDefault = '';

  async function serve(options: { defaultRoute?: DefaultRouteSpec }): Promise<string> {
    const server = createServer(
      createHttpGateway({
        routes,
        ...options,
        handlerFor: (route) => handlers[route.handler as string]!,
        staticDir: '/nonexistent',
      }),
    );
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  beforeAll(async () => {
    withDefault = await serve({ defaultRoute });
    withoutDefault = await serve({});
  });

  afterAll(async () => {
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  const last = () => seen[seen.length - 1]!;

  it('a matching route: its handler, with its route key and parameters', async () => {
    const response = await fetch(`${withDefault}/api/things/t1`, { method: 'POST', body: '{}' });
    expect([response.status, await response.text()]).toEqual([201, 'thing']);
    expect(last()).toMatchObject({
      routeKey: 'POST /api/things/{thingId}',
      pathParameters: { thingId: 't1' },
      body: '{}',
    });
  });

  it.each([
    ['an unknown path', 'GET', '/api/other'],
    ['a known path with another method', 'GET', '/api/things/t1'],
  ])('%s: the $default handler, routeKey $default', async (_, method, path) => {
    const response = await fetch(`${withDefault}${path}`, { method });
    expect([response.status, await response.text()]).toEqual([418, 'fallback']);
    expect(last()).toMatchObject({
      routeKey: '$default',
      rawPath: path,
      requestContext: { routeKey: '$default', http: { method, path } },
    });
    expect(last().pathParameters).toBeUndefined();
  });

  it('a body beyond the buffer, even to a matching route: $default, with more than any route accepts', async () => {
    const response = await fetch(`${withDefault}/api/things/t1`, { method: 'POST', body: 'x'.repeat(3 * 1024 * 1024) });
    expect([response.status, await response.text()]).toEqual([418, 'fallback']);
    expect(last().routeKey).toBe('$default');
    expect(Buffer.byteLength(last().body ?? '')).toBeGreaterThan(1024 * 1024);
  });

  it('after an oversized body, the same connection still serves the next request', async () => {
    await (await fetch(`${withDefault}/api/things/t1`, { method: 'POST', body: 'x'.repeat(3 * 1024 * 1024) })).text();
    const next = await fetch(`${withDefault}/api/things/t2`, { method: 'POST', body: '{}' });
    expect(next.status).toBe(201);
  });

  it('without $default: API Gateway’s own 404 and 413', async () => {
    const missing = await fetch(`${withoutDefault}/api/other`);
    expect([missing.status, await missing.json()]).toEqual([404, { message: 'Not Found' }]);
    const large = await fetch(`${withoutDefault}/api/things/t1`, { method: 'POST', body: 'x'.repeat(3 * 1024 * 1024) });
    expect([large.status, await large.json()]).toEqual([413, { message: 'Request Entity Too Large' }]);
  });
});
