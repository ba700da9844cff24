import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderView } from '../../contract/order-view';
import { RAISED_REQUEST_LIMITS_ENV } from '../../contract/request-limits';
import type { OperatorWaitingRoomStatus } from '../../lambdas/core/waiting-room/operator-status';
import type { BuyerWaitingRoomStatus } from '../../lambdas/core/waiting-room/waiting-room-service';
import type { LocalStack } from '../../local/local-stack';
import { adminCreateEvent, type Buyer, call, newBuyer, startApiStack } from '../support/api-client';
import { eventually } from '../support/eventually';

/**
 * A fair start through the API on the local stack (DynamoDB Local, real SDK): a pre-queue before
 * `salesStartAt`, orders refused before it, the random draw at it (recorded, auditable by the
 * operator), first come, first served after it.
 */
describe('a fair start through the API', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    // 25+ buyers from 127.0.0.1: the per-address session limit is raised for this stack.
    stack = await startApiStack(RAISED_REQUEST_LIMITS_ENV);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const queue = (buyer: Buyer, eventId: string, method: 'POST' | 'GET' = 'GET') =>
    call<{ queue: BuyerWaitingRoomStatus }>(stack, method, `/api/events/${eventId}/queue`, { token: buyer.token }).then(
      (r) => {
        if (r.status !== 200) throw new Error(`${method} queue answered ${r.status}: ${r.text}`);
        return r.body.queue;
      },
    );

  it('pre-queue, no orders before the start, a random draw of 1…n at it, FIFO after, and the draw audited', async () => {
    // Long enough for 20 sessions and joins before it on a busy machine (the order refused before the start).
    const salesStartAt = new Date(Date.now() + 20_000).toISOString();
    const eventId = await adminCreateEvent(stack, {
      eventId: 'fair-start',
      name: 'Fair start',
      rows: 1,
      seatsPerRow: 10,
      priceCents: 1000,
      maxSeatsPerOrder: 1,
      salesStartAt,
      waitingRoom: { enabled: true, maxActivePurchasers: 3 },
    });
    const early = await Promise.all(Array.from({ length: 20 }, () => newBuyer(stack)));
    const before = await Promise.all(early.map((buyer) => queue(buyer, eventId, 'POST')));
    for (const status of before) {
      expect(status).toMatchObject({ state: 'PRE_QUEUE', salesStartAt });
      expect(status.position).toBeUndefined();
    }
    const refused = await call<{ error: { code: string } }>(stack, 'POST', `/api/events/${eventId}/orders`, {
      token: early[0]!.token,
      body: { quantity: 1 },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('SalesNotStarted');

    await eventually(() => expect(Date.now()).toBeGreaterThan(Date.parse(salesStartAt)), { timeoutMs: 30_000 });
    const after = await Promise.all(early.map((buyer) => queue(buyer, eventId)));
    const positions = after.map((status) => status.position!);
    expect([...positions].sort((a, b) => a - b)).toEqual(early.map((_, i) => i + 1));
    expect(after.filter((status) => status.state === 'ADMITTED')).toHaveLength(3);

    const late = [];
    for (let i = 0; i < 5; i++) late.push((await queue(await newBuyer(stack), eventId, 'POST')).position);
    expect(late).toEqual([21, 22, 23, 24, 25]);

    const operator = await call<{ queue: OperatorWaitingRoomStatus }>(
      stack,
      'GET',
      `/api/admin/events/${eventId}/queue`,
      { adminKey: stack.adminKey },
    );
    expect(operator.body.queue.draw).toMatchObject({ entrants: 20, digestMatches: true, misplaced: [] });
    expect(operator.body.queue.draw?.seed).toMatch(/^[0-9a-f]{64}$/);

    const first = after.find((status) => status.position === 1)!;
    const buyer = early[after.indexOf(first)]!;
    const order = await call<{ order: OrderView }>(stack, 'POST', `/api/events/${eventId}/orders`, {
      token: buyer.token,
      body: { quantity: 1 },
      headers: { 'x-admission-token': first.admissionToken! },
    });
    expect(order.status).toBe(201);
  });

  it('the public counter is cacheable: no session, max-age=2, an ETag that answers 304 until the room changes', async () => {
    const eventId = await adminCreateEvent(stack, {
      eventId: 'counter',
      name: 'Counter',
      rows: 1,
      seatsPerRow: 5,
      priceCents: 1000,
      waitingRoom: { enabled: true, maxActivePurchasers: 1 },
    });
    const counter = () =>
      fetch(`${stack.url}/api/events/${eventId}/queue/status`).then(async (r) => ({
        status: r.status,
        etag: r.headers.get('etag'),
        cacheControl: r.headers.get('cache-control'),
        body: (await r.json()) as { room: { servingPosition: number; version: number } },
      }));
    const first = await counter();
    expect(first.status).toBe(200);
    expect(first.cacheControl).toBe('public, max-age=2');
    expect(first.etag).toBeTruthy();
    const unchanged = await fetch(`${stack.url}/api/events/${eventId}/queue/status`, {
      headers: { 'if-none-match': first.etag! },
    });
    expect(unchanged.status).toBe(304);
    await queue(await newBuyer(stack), eventId, 'POST'); // admitted at once: the room changes
    const moved = await counter();
    expect(moved.body.room.servingPosition).toBe(1);
    expect(moved.etag).not.toBe(first.etag);
  });
});
