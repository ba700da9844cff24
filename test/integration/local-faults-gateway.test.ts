import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteSpec } from '../../contract/http-routes';
import { type ApiHandler, createHttpGateway } from '../../local/http-gateway';

/**
 * The local API gateway contains what a handler does: a handler that throws is a 500 for that
 * request only, and an injected crash (api.crash) discards an answer the handler produced — its
 * side effects stay — and responds 502, as API Gateway does when the Lambda dies.
 */
describe('the local HTTP gateway under failing handlers', () => {
  let server: Server;
  let url: string;
  let crash = false;
  const effects: string[] = [];

  const routes = [
    { method: 'POST', path: '/api/things', handler: 'things' },
    { method: 'GET', path: '/api/boom', handler: 'boom' },
  ] as unknown as RouteSpec[];
  const handlers: Record<string, ApiHandler> = {
    things: async (event) => {
      effects.push(event.body ?? '');
      return { statusCode: 201, body: JSON.stringify({ ok: true }) };
    },
    boom: async () => {
      throw new Error('handler bug');
    },
  };

  beforeAll(async () => {
    server = createServer(
      createHttpGateway({
        routes,
        handlerFor: (route) => handlers[route.handler as string]!,
        staticDir: '/nonexistent',
        crashAfterHandler: () => crash,
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('answers 500 for a handler that throws, and serves the next request as usual', async () => {
    const failed = await fetch(`${url}/api/boom`);
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ message: 'Internal Server Error' });
    const next = await fetch(`${url}/api/things`, { method: 'POST', body: 'after-boom' });
    expect(next.status).toBe(201);
  });

  it('api.crash: the handler ran (its effect is there), the answer is a 502', async () => {
    crash = true;
    const crashed = await fetch(`${url}/api/things`, { method: 'POST', body: 'crashed' });
    crash = false;
    expect(crashed.status).toBe(502);
    expect(await crashed.json()).toEqual({ message: 'Internal Server Error' });
    expect(effects).toContain('crashed');
  });
});
