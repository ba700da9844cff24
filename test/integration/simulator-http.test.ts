import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient } from '../../bench/simulator/http';

/**
 * The simulator's HTTP client (bench/simulator/http.ts) on a real server on 127.0.0.1, since it
 * sends through `node:http` instead of `fetch` (fetch took about twice the CPU per request, which
 * the stack under test shares): what it sends and parses, that it keeps its connections alive
 * within its limit, and that a request whose connection drops mid-way is tried again — a chaos
 * drop's buyers live through that.
 */

let server: Server | undefined;

afterEach(async () => {
  const running = server;
  server = undefined;
  // close() ends idle kept-alive connections too (Node ≥ 19).
  if (running) await new Promise<void>((resolve) => running.close(() => resolve()));
});

async function serve(handle: (request: IncomingMessage, body: string, response: ServerResponse) => void) {
  const sockets = new Set<unknown>();
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => handle(request, body, response));
  });
  server.on('connection', (socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, connections: () => sockets.size };
}

describe('the simulator HTTP client', () => {
  it('sends the method, path, headers and JSON body, parses the JSON answer and counts the route', async () => {
    const seen: {
      method?: string;
      url?: string;
      authorization?: string;
      admin?: string;
      type?: string;
      body?: string;
    } = {};
    const { url } = await serve((request, body, response) => {
      Object.assign(seen, {
        method: request.method,
        url: request.url,
        authorization: request.headers.authorization,
        admin: request.headers['x-admin-key'],
        type: request.headers['content-type'],
        body,
      });
      response.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ order: { id: 'o1' } }));
    });
    const api = new ApiClient(url, 'admin-secret', 4);

    const answer = await api.call<{ order: { id: string } }>('POST', '/api/events/ev_1/orders', {
      token: 'tok',
      admin: true,
      body: { seatIds: ['A-1'] },
    });

    expect(answer.status).toBe(201);
    expect(answer.body.order.id).toBe('o1');
    expect(seen).toEqual({
      method: 'POST',
      url: '/api/events/ev_1/orders',
      authorization: 'Bearer tok',
      admin: 'admin-secret',
      type: 'application/json',
      body: JSON.stringify({ seatIds: ['A-1'] }),
    });
    expect(api.requests.get('POST /api/events/{id}/orders')).toBe(1);
  });

  it('answers a body that is not JSON as an error body naming the status', async () => {
    const { url } = await serve((_request, _body, response) => response.writeHead(502).end('Bad gateway'));
    const answer = await new ApiClient(url, undefined, 1).call('GET', '/api/events');
    expect(answer.status).toBe(502);
    expect(answer.body.error).toEqual({ code: 'HTTP502', message: 'Bad gateway' });
  });

  it('reuses its connections: 20 requests, one at a time, over one connection', async () => {
    const target = await serve((_request, _body, response) => response.writeHead(200).end('{}'));
    const api = new ApiClient(target.url, undefined, 1);
    for (let i = 0; i < 20; i++) expect((await api.call('GET', `/api/events/ev_${i}`)).status).toBe(200);
    expect(target.connections()).toBe(1);
  });

  it('opens at most as many connections as requests it lets be in flight', async () => {
    const target = await serve((_request, _body, response) => setTimeout(() => response.writeHead(200).end('{}'), 20));
    const api = new ApiClient(target.url, undefined, 3);
    await Promise.all(Array.from({ length: 30 }, (_, i) => api.call('GET', `/api/events/ev_${i}`)));
    expect(target.connections()).toBeLessThanOrEqual(3);
  });

  it('tries a request again when its connection drops before the answer', async () => {
    let calls = 0;
    const { url } = await serve((request, _body, response) => {
      calls += 1;
      if (calls === 1)
        request.socket.destroy(); // a handler that died mid-request
      else response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    const answer = await new ApiClient(url, undefined, 2).call<{ ok: boolean }>('POST', '/api/sessions');
    expect(answer.status).toBe(200);
    expect(answer.body.ok).toBe(true);
    expect(calls).toBe(2);
  });
});
