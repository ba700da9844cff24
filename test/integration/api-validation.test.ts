import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/local-stack';
import { adminCreateEvent, type Buyer, call, createOrderFor, newBuyer, startApiStack } from '../support/api-client';

/**
 * Bad input over HTTP: every case answers its exact 4xx status and stable code, never a 500.
 * `{order}` in a path is replaced by a real order of the buyer (HOLDING), `{event}` by the event.
 */
describe('API input validation', () => {
  let stack: LocalStack;
  let buyer: Buyer;
  let eventId: string;
  let orderId: string;

  beforeAll(async () => {
    stack = await startApiStack();
    eventId = await adminCreateEvent(stack, {
      eventId: 'valid-event',
      name: 'Validation',
      rows: 3,
      seatsPerRow: 5,
      priceCents: 1000,
      maxSeatsPerOrder: 4,
    });
    buyer = await newBuyer(stack);
    const created = await createOrderFor(stack, buyer, eventId, { seatIds: ['A1'] });
    expect(created.status).toBe(201);
    orderId = created.body.order.orderId;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  type Case = {
    name: string;
    method: string;
    path: string;
    body?: unknown;
    headers?: Record<string, string>;
    admin?: boolean;
    status: number;
    code: string;
    seatIds?: string[];
  };
  const orders = '/api/events/{event}/orders';
  const cases: Case[] = [
    // bodies that are not JSON objects
    {
      name: 'malformed JSON',
      method: 'POST',
      path: orders,
      body: '{"seatIds": ["A2"',
      status: 400,
      code: 'ValidationFailed',
    },
    { name: 'JSON array', method: 'POST', path: orders, body: '["A2"]', status: 400, code: 'ValidationFailed' },
    { name: 'JSON string', method: 'POST', path: orders, body: '"A2"', status: 400, code: 'ValidationFailed' },
    { name: 'JSON null', method: 'POST', path: orders, body: 'null', status: 400, code: 'ValidationFailed' },
    { name: 'empty object', method: 'POST', path: orders, body: {}, status: 400, code: 'ValidationFailed' },
    { name: 'no body at all', method: 'POST', path: orders, status: 400, code: 'ValidationFailed' },
    {
      name: 'text/plain body',
      method: 'POST',
      path: orders,
      body: '{"quantity":1}',
      headers: { 'content-type': 'text/plain' },
      status: 415,
      code: 'UnsupportedMediaType',
    },
    {
      name: 'form body',
      method: 'POST',
      path: orders,
      body: 'quantity=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      status: 415,
      code: 'UnsupportedMediaType',
    },
    {
      name: 'body over 16 KiB',
      method: 'POST',
      path: orders,
      body: { seatIds: ['A2'], pad: 'x'.repeat(17 * 1024) },
      status: 413,
      code: 'PayloadTooLarge',
    },
    // unknown and conflicting fields
    {
      name: 'unknown field',
      method: 'POST',
      path: orders,
      body: { quantity: 1, price: 0 },
      status: 400,
      code: 'ValidationFailed',
    },
    {
      name: 'seatIds and quantity',
      method: 'POST',
      path: orders,
      body: { seatIds: ['A2'], quantity: 1 },
      status: 400,
      code: 'ValidationFailed',
    },
    { name: 'quantity 0', method: 'POST', path: orders, body: { quantity: 0 }, status: 400, code: 'ValidationFailed' },
    {
      name: 'quantity 1.5',
      method: 'POST',
      path: orders,
      body: { quantity: 1.5 },
      status: 400,
      code: 'ValidationFailed',
    },
    {
      name: 'quantity as string',
      method: 'POST',
      path: orders,
      body: { quantity: '2' },
      status: 400,
      code: 'ValidationFailed',
    },
    {
      name: 'quantity above the event limit',
      method: 'POST',
      path: orders,
      body: { quantity: 5 },
      status: 400,
      code: 'ValidationFailed',
    },
    {
      name: 'quantity above any limit',
      method: 'POST',
      path: orders,
      body: { quantity: 1000 },
      status: 400,
      code: 'ValidationFailed',
    },
    // seat ids
    { name: 'no seats', method: 'POST', path: orders, body: { seatIds: [] }, status: 400, code: 'ValidationFailed' },
    {
      name: 'seat id not a string',
      method: 'POST',
      path: orders,
      body: { seatIds: [7] },
      status: 400,
      code: 'ValidationFailed',
    },
    {
      name: 'seat outside the map',
      method: 'POST',
      path: orders,
      body: { seatIds: ['A2', 'Z9'] },
      status: 400,
      code: 'InvalidSeat',
      seatIds: ['Z9'],
    },
    {
      name: 'malformed seat id',
      method: 'POST',
      path: orders,
      body: { seatIds: ['a2', 'A0', 'A02'] },
      status: 400,
      code: 'InvalidSeat',
      seatIds: ['a2', 'A0', 'A02'],
    },
    {
      name: 'very long seat id',
      method: 'POST',
      path: orders,
      body: { seatIds: ['A'.repeat(500)] },
      status: 400,
      code: 'ValidationFailed',
    },
    {
      name: 'seat listed twice',
      method: 'POST',
      path: orders,
      body: { seatIds: ['A2', 'A2'] },
      status: 400,
      code: 'ValidationFailed',
    },
    {
      name: 'too many seats for the event',
      method: 'POST',
      path: orders,
      body: { seatIds: ['B1', 'B2', 'B3', 'B4', 'B5'] },
      status: 400,
      code: 'ValidationFailed',
    },
    {
      name: 'too many seats for any event',
      method: 'POST',
      path: orders,
      body: { seatIds: Array.from({ length: 51 }, (_, i) => `A${i + 1}`) },
      status: 400,
      code: 'ValidationFailed',
    },
    // events and orders that cannot exist
    {
      name: 'unknown event',
      method: 'POST',
      path: '/api/events/no-such-event/orders',
      body: { quantity: 1 },
      status: 404,
      code: 'EventNotFound',
    },
    {
      name: 'event id no event can have',
      method: 'POST',
      path: `/api/events/${'X'.repeat(3000)}/orders`,
      body: { quantity: 1 },
      status: 404,
      code: 'EventNotFound',
    },
    {
      name: 'unknown order',
      method: 'GET',
      path: '/api/orders/ord_00000000-0000-0000-0000-000000000000',
      status: 404,
      code: 'OrderNotFound',
    },
    {
      name: 'order id of another shape',
      method: 'GET',
      path: `/api/orders/${'x'.repeat(3000)}`,
      status: 404,
      code: 'OrderNotFound',
    },
    // payment codes
    {
      name: 'code "1234"',
      method: 'POST',
      path: '/api/orders/{order}/payment',
      body: { code: '1234' },
      status: 400,
      code: 'ValidationFailed',
    },
    {
      name: 'code "abcde"',
      method: 'POST',
      path: '/api/orders/{order}/payment',
      body: { code: 'abcde' },
      status: 400,
      code: 'ValidationFailed',
    },
    {
      name: 'code "123456"',
      method: 'POST',
      path: '/api/orders/{order}/payment',
      body: { code: '123456' },
      status: 400,
      code: 'ValidationFailed',
    },
    {
      name: 'code as a number',
      method: 'POST',
      path: '/api/orders/{order}/payment',
      body: { code: 12345 },
      status: 400,
      code: 'ValidationFailed',
    },
    {
      name: 'payment with a card number',
      method: 'POST',
      path: '/api/orders/{order}/payment',
      body: { code: '12345', card: '4111' },
      status: 400,
      code: 'ValidationFailed',
    },
    {
      name: 'payment without a body',
      method: 'POST',
      path: '/api/orders/{order}/payment',
      status: 400,
      code: 'ValidationFailed',
    },
    // changing seats, cancelling, sessions
    {
      name: 'change to no seats',
      method: 'PUT',
      path: '/api/orders/{order}/seats',
      body: { seatIds: [] },
      status: 400,
      code: 'ValidationFailed',
    },
    {
      name: 'change to a seat outside the map',
      method: 'PUT',
      path: '/api/orders/{order}/seats',
      body: { seatIds: ['E1'] },
      status: 400,
      code: 'InvalidSeat',
      seatIds: ['E1'],
    },
    {
      name: 'change with too many seats',
      method: 'PUT',
      path: '/api/orders/{order}/seats',
      body: { seatIds: ['C1', 'C2', 'C3', 'C4', 'C5'] },
      status: 400,
      code: 'ValidationFailed',
    },
    {
      name: 'change with quantity',
      method: 'PUT',
      path: '/api/orders/{order}/seats',
      body: { quantity: 2 },
      status: 400,
      code: 'ValidationFailed',
    },
    {
      name: 'cancel with a reason',
      method: 'POST',
      path: '/api/orders/{order}/cancel',
      body: { reason: 'x' },
      status: 400,
      code: 'ValidationFailed',
    },
    {
      name: 'session with fields',
      method: 'POST',
      path: '/api/sessions',
      body: { buyerId: 'buy_me' },
      status: 400,
      code: 'ValidationFailed',
    },
    // admin
    {
      name: 'event with unknown field',
      method: 'POST',
      path: '/api/events',
      admin: true,
      body: { name: 'E', rows: 1, seatsPerRow: 1, priceCents: 1, vip: true },
      status: 400,
      code: 'ValidationFailed',
    },
    {
      name: 'event too large',
      method: 'POST',
      path: '/api/events',
      admin: true,
      body: { name: 'E', rows: 200, seatsPerRow: 200, priceCents: 1 },
      status: 400,
      code: 'ValidationFailed',
    },
    {
      name: 'event that exists',
      method: 'POST',
      path: '/api/events',
      admin: true,
      body: { eventId: 'valid-event', name: 'E', rows: 1, seatsPerRow: 1, priceCents: 1 },
      status: 409,
      code: 'EventExists',
    },
    {
      name: 'event as text',
      method: 'POST',
      path: '/api/events',
      admin: true,
      body: 'name=E',
      headers: { 'content-type': 'text/plain' },
      status: 415,
      code: 'UnsupportedMediaType',
    },
    {
      name: 'orders with a bad status filter',
      method: 'GET',
      path: '/api/admin/events/{event}/orders?status=paid',
      admin: true,
      status: 400,
      code: 'ValidationFailed',
    },
    {
      name: 'tickets of an unknown event',
      method: 'GET',
      path: '/api/admin/events/nope-nope/tickets',
      admin: true,
      status: 404,
      code: 'EventNotFound',
    },
  ];

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const path = c.path.replace('{event}', eventId).replace('{order}', orderId);
    const response = await call(stack, c.method, path, {
      body: c.body,
      headers: c.headers,
      ...(c.admin ? { adminKey: stack.adminKey } : { token: buyer.token }),
    });
    expect(response.status, response.text).toBe(c.status);
    expect(response.body).toMatchObject({ error: { code: c.code, message: expect.any(String) } });
    if (c.code === 'ValidationFailed')
      expect((response.body as { error: { issues: string[] } }).error.issues.length).toBeGreaterThan(0);
    if (c.seatIds) expect((response.body as { error: { seatIds: string[] } }).error.seatIds).toEqual(c.seatIds);
  });

  it('left the order as it was: held, unpaid, on its one seat', async () => {
    const { body } = await call<{ order: { status: string; seatIds: string[]; payment: { round: number } } }>(
      stack,
      'GET',
      `/api/orders/${orderId}`,
      { token: buyer.token },
    );
    expect(body.order).toMatchObject({ status: 'HOLDING', seatIds: ['A1'], payment: { round: 0 } });
  });

  /**
   * What no route takes goes to the `$default` catch-all (lambdas/api/fallback.ts), through the same
   * route table as on AWS: every such answer is the documented error shape, never `{ message }`.
   */
  describe('requests no route takes', () => {
    const send = async (
      method: string,
      path: string,
      init: { body?: string; headers?: Record<string, string> } = {},
    ) => {
      const response = await fetch(`${stack.url}${path}`, { method, ...init });
      return {
        status: response.status,
        allow: response.headers.get('allow'),
        type: response.headers.get('content-type'),
        body: (await response.json()) as unknown,
      };
    };
    const errorOf = (code: string) => ({ error: { code, message: expect.any(String) } });

    it.each([
      ['an unknown path under /api', 'GET', '/api/nope'],
      ['an unknown path deeper down', 'POST', '/api/events/valid-event/orders/extra'],
      ['/api itself', 'GET', '/api'],
      ['a parameter left empty', 'GET', '/api/orders/'],
    ])('%s: 404 NotFound', async (_, method, path) => {
      const answer = await send(method, path);
      expect(answer).toMatchObject({ status: 404, type: 'application/json', body: errorOf('NotFound') });
    });

    it.each([
      ['PATCH on the events list', 'PATCH', '/api/events', 'GET, POST'],
      ['GET on sessions', 'GET', '/api/sessions', 'POST'],
      ['DELETE on an order', 'DELETE', '/api/orders/ord_00000000-0000-0000-0000-000000000000', 'GET'],
      ['POST on an order’s seats', 'POST', '/api/orders/ord_00000000-0000-0000-0000-000000000000/seats', 'PUT'],
      ['PUT on the waiting room', 'PUT', '/api/events/valid-event/queue', 'GET, POST, DELETE'],
    ])('%s: 405 MethodNotAllowed with Allow', async (_, method, path, allow) => {
      const answer = await send(method, path);
      expect(answer).toMatchObject({ status: 405, allow, body: errorOf('MethodNotAllowed') });
    });

    it('a body beyond what the gateway buffers (over 1 MiB): 413 PayloadTooLarge', async () => {
      const body = JSON.stringify({ seatIds: ['A2'], pad: 'x'.repeat(2 * 1024 * 1024) });
      const answer = await send('POST', `/api/events/${eventId}/orders`, {
        body,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${buyer.token}` },
      });
      expect(answer).toMatchObject({ status: 413, body: errorOf('PayloadTooLarge') });
    });

    it('a body over 16 KiB to an unknown path: 413 PayloadTooLarge (refused before routing)', async () => {
      const answer = await send('POST', '/api/nope', {
        body: 'x'.repeat(17 * 1024),
        headers: { 'content-type': 'application/json' },
      });
      expect(answer).toMatchObject({ status: 413, body: errorOf('PayloadTooLarge') });
    });

    it('outside /api the site keeps its SPA fallback (no API error there)', async () => {
      const response = await fetch(`${stack.url}/events/valid-event`);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      await response.body?.cancel();
    });
  });

  it('accepts application/json with a charset', async () => {
    const other = await newBuyer(stack);
    const ok = await call(stack, 'POST', `/api/events/${eventId}/orders`, {
      token: other.token,
      body: JSON.stringify({ seatIds: ['C5'] }),
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(ok.status).toBe(201);
  });
});
