import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '../../lambdas/core/platform/store';
import { holdSeats } from '../../lambdas/core/seats/seat-locks';
import type { SeatView } from '../../lambdas/core/seats/seat-map';
import { ensureFrontendBuilt } from '../../lib/web/frontend-build';
import { DEMO_EVENT, DEMO_QUEUE_EVENT } from '../../local/demo-events';
import { type LocalStack, startLocalStack } from '../../local/local-stack';
import { localDynamoClientConfig } from '../../local/local-tables';
import { isProcessGone } from '../support/processes';

/** The embedded stack end to end: HTTP → API Gateway v2 event → the real handler → DynamoDB Local. */
describe('the local stack', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    await ensureFrontendBuilt(); // the page is the built frontend (npm start builds it too)
    stack = await startLocalStack({ port: 0 });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const get = async (path: string) => {
    const response = await fetch(`${stack.url}${path}`);
    return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
  };

  it('serves on 127.0.0.1 and lists the seeded demo event', async () => {
    expect(stack.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const { status, text } = await get('/api/events');
    expect(status).toBe(200);
    expect(JSON.parse(text).events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ ...DEMO_EVENT, status: 'ON_SALE' }),
        // Stored with the room's defaults applied (abandonAfterSeconds, …).
        expect.objectContaining({
          ...DEMO_QUEUE_EVENT,
          waitingRoom: expect.objectContaining(DEMO_QUEUE_EVENT.waitingRoom),
          status: 'ON_SALE',
        }),
      ]),
    );
    expect(JSON.parse(text).events).toHaveLength(2);
  });

  it('serves a seat-map snapshot with per-seat versions and no order ids', async () => {
    const store = createStore(new DynamoDBClient(localDynamoClientConfig(stack.dynamo.endpoint)), stack.tables);
    await holdSeats(store, {
      eventId: DEMO_EVENT.eventId,
      orderId: 'secret-order',
      seatIds: ['C3'],
      holdExpiresAt: Date.now() + 60_000,
    });

    const { status, text } = await get(`/api/events/${DEMO_EVENT.eventId}`);
    expect(status).toBe(200);
    expect(text).not.toContain('secret-order');
    const seats = JSON.parse(text).seats as SeatView[];
    expect(seats).toHaveLength(30);
    expect(seats.find((s) => s.seatId === 'C3')).toMatchObject({ status: 'HELD', version: 2 });
    expect(seats.filter((s) => s.status === 'AVAILABLE')).toHaveLength(29);
  });

  it('answers unknown events, routes and methods in the one documented error shape', async () => {
    expect(await get('/api/events/no-such-event')).toMatchObject({
      status: 404,
      text: expect.stringContaining('"EventNotFound"'),
    });
    expect(JSON.parse((await get('/api/nothing-here')).text)).toEqual({
      error: { code: 'NotFound', message: 'No route GET /api/nothing-here' },
    });
    const wrongMethod = await fetch(`${stack.url}/api/events`, { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    expect(((await wrongMethod.json()) as { error: { code: string } }).error.code).toBe('MethodNotAllowed');
  });

  it('serves the frontend, with index.html for app paths and nothing outside its folder', async () => {
    const home = await get('/');
    expect(home).toMatchObject({ status: 200, type: expect.stringContaining('text/html') });
    expect(home.text).toContain('<title>TicketDrop</title>');
    expect((await get('/events/ticketdrop-live')).text).toBe(home.text);
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(home.text)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${stack.url}${script}`);
    expect(asset.headers.get('content-type')).toContain('javascript');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await get('/assets/no-such-file.js')).status).toBe(404);
    const traversal = await get('/%2e%2e/package.json');
    expect(traversal.text).not.toContain('"devDependencies"');
  });

  it('tells the frontend where the API and the WebSocket are (/config.json)', async () => {
    const response = await fetch(`${stack.url}/config.json`);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(await response.json()).toEqual({ apiBaseUrl: '', websocketUrl: `ws://127.0.0.1:${stack.port}/ws` });
  });

  it('stops DynamoDB Local with it', async () => {
    const { pid } = stack.dynamo;
    await stack.stop();
    expect(isProcessGone(pid)).toBe(true);
  });
});
