import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ROUTE, matchPath, methodsFor, ROUTES, routeKey } from '../../contract/http-routes';
import { handler } from '../../lambdas/api/fallback';

/**
 * The `$default` handler on its own, as API Gateway calls it on AWS: it needs nothing but the
 * route table (no table, no secret), and answers every request in the documented error shape.
 */
function defaultRouteEvent(method: string, path: string, body?: string): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: DEFAULT_ROUTE.routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: 'test',
      apiId: 'test',
      domainName: 'example.test',
      domainPrefix: 'example',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: 'test',
      routeKey: DEFAULT_ROUTE.routeKey,
      stage: '$default',
      time: new Date(0).toISOString(),
      timeEpoch: 0,
    },
  };
}

const headersOf = (result: object) => (result as { headers?: Record<string, unknown> }).headers;
const parsed = (result: { body: string }) => JSON.parse(result.body) as { error: { code: string; message: string } };

describe('the $default handler', () => {
  it('an unknown path: 404 NotFound, naming the request', async () => {
    const result = await handler(defaultRouteEvent('GET', '/api/nope'));
    expect(result.statusCode).toBe(404);
    expect(headersOf(result)).toMatchObject({ 'content-type': 'application/json' });
    expect(parsed(result)).toEqual({ error: { code: 'NotFound', message: 'No route GET /api/nope' } });
  });

  it('a known path with another method: 405 MethodNotAllowed, Allow lists the methods the path has', async () => {
    const result = await handler(defaultRouteEvent('DELETE', '/api/events'));
    expect(result.statusCode).toBe(405);
    expect(headersOf(result)).toMatchObject({ allow: 'GET, POST' });
    expect(parsed(result).error.code).toBe('MethodNotAllowed');
  });

  it('a body over 16 KiB: 413 PayloadTooLarge, before it looks at the path', async () => {
    const result = await handler(defaultRouteEvent('POST', '/api/nope', 'x'.repeat(16 * 1024 + 1)));
    expect(result.statusCode).toBe(413);
    expect(parsed(result).error.code).toBe('PayloadTooLarge');
  });

  it('a long unknown path is echoed cut short', async () => {
    const result = await handler(defaultRouteEvent('GET', `/api/${'x'.repeat(5000)}`));
    expect(parsed(result).error.message.length).toBeLessThan(300);
  });

  it('a route of the table that still reached it (deployment out of step with the table): 500 InternalError', async () => {
    const result = await handler(defaultRouteEvent('GET', '/api/events'));
    expect(result.statusCode).toBe(500);
    expect(parsed(result).error.code).toBe('InternalError');
  });
});

describe('route templates', () => {
  it('every route of the table matches its own template, with its parameters', () => {
    for (const route of ROUTES) {
      const concrete = route.path.replace(/\{(\w+)\}/g, 'value-of-$1');
      const parameters = matchPath(route.path, concrete);
      expect(parameters, routeKey(route)).toBeDefined();
      for (const [name, value] of Object.entries(parameters ?? {})) expect(value).toBe(`value-of-${name}`);
      expect(methodsFor(ROUTES, concrete), routeKey(route)).toContain(route.method);
    }
  });

  it('parameters are whole, non-empty, URL-decoded segments; a malformed escape matches nothing', () => {
    expect(matchPath('/api/orders/{orderId}', '/api/orders/a%20b')).toEqual({ orderId: 'a b' });
    expect(matchPath('/api/orders/{orderId}', '/api/orders/')).toBeUndefined();
    expect(matchPath('/api/orders/{orderId}', '/api/orders/a/b')).toBeUndefined();
    expect(matchPath('/api/orders/{orderId}', '/api/orders/%E0%A4%A')).toBeUndefined();
  });

  it('the methods of a path, in a stable order', () => {
    expect(methodsFor(ROUTES, '/api/events/some-event/queue')).toEqual(['GET', 'POST', 'DELETE']);
    expect(methodsFor(ROUTES, '/api/nope')).toEqual([]);
  });
});
