import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderView } from '../../contract/order-view';
import { RAISED_REQUEST_LIMITS_ENV } from '../../contract/request-limits';
import { readSeats } from '../../lambdas/core/seats/seat-map';
import type { LocalStack } from '../../local/local-stack';
import {
  adminCreateEvent,
  type Buyer,
  call,
  createOrderFor,
  getOrderOf,
  newBuyer,
  pollOrder,
  startApiStack,
} from '../support/api-client';

/** Buying through the HTTP API on the local stack: the handlers, the flow and DynamoDB Local, for real. */
describe('orders over HTTP', () => {
  let stack: LocalStack;
  let seq = 0;

  beforeAll(async () => {
    // 40 buyers race from 127.0.0.1: the per-address session limit raised for this stack.
    stack = await startApiStack({ ...RAISED_REQUEST_LIMITS_ENV });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  /** A fresh event per test, made through the admin API. */
  const newEvent = (spec: Record<string, unknown> = {}) =>
    adminCreateEvent(stack, {
      eventId: `orders-${++seq}`,
      name: 'Orders',
      rows: 3,
      seatsPerRow: 6,
      priceCents: 2500,
      holdSeconds: 120,
      ...spec,
    });

  const heldSeats = async (eventId: string) =>
    (await readSeats(stack.store, eventId, { consistent: true })).filter((s) => s.status === 'HELD');

  const final = (o: OrderView) => ['CONFIRMED', 'EXPIRED', 'CANCELLED', 'FAILED'].includes(o.status);

  it('creates an order for chosen seats: 201 with the hold and its expiry', async () => {
    const eventId = await newEvent();
    const buyer = await newBuyer(stack);
    const before = Date.now();
    const { status, body } = await createOrderFor(stack, buyer, eventId, { seatIds: ['B3', 'B4'] });
    expect(status).toBe(201);
    expect(body.order).toMatchObject({
      eventId,
      status: 'HOLDING',
      seatIds: ['B3', 'B4'],
      amountCents: 5000,
      currency: 'EUR',
      payment: { status: 'idle' },
    });
    expect(body.order.orderId).toMatch(/^ord_/);
    expect(body.order.holdExpiresAt).toBeGreaterThanOrEqual(before + 120_000);
    expect(body.order.holdExpiresAt).toBeLessThanOrEqual(Date.now() + 120_000);
    expect((await heldSeats(eventId)).map((s) => [s.seatId, s.orderId])).toEqual([
      ['B3', body.order.orderId],
      ['B4', body.order.orderId],
    ]);
  });

  it('refuses seats someone else holds: 409 SeatsTaken naming them, nothing held', async () => {
    const eventId = await newEvent();
    const [first, second] = await Promise.all([newBuyer(stack), newBuyer(stack)]);
    expect((await createOrderFor(stack, first, eventId, { seatIds: ['A1', 'A2'] })).status).toBe(201);
    const refused = await createOrderFor(stack, second, eventId, { seatIds: ['A2', 'A3'] });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'SeatsTaken', seatIds: ['A2'] });
    expect((await heldSeats(eventId)).map((s) => s.seatId)).toEqual(['A1', 'A2']);
    // The refused buyer has no open order: a create for free seats works.
    expect((await createOrderFor(stack, second, eventId, { seatIds: ['A3'] })).status).toBe(201);
  });

  it('best available for two buyers: two adjacent seats each, no overlap', async () => {
    const eventId = await newEvent();
    const [a, b] = await Promise.all([newBuyer(stack), newBuyer(stack)]);
    const [ra, rb] = await Promise.all([
      createOrderFor(stack, a, eventId, { quantity: 2 }),
      createOrderFor(stack, b, eventId, { quantity: 2 }),
    ]);
    expect([ra.status, rb.status]).toEqual([201, 201]);
    for (const order of [ra.body.order, rb.body.order]) {
      expect(order.seatIds).toHaveLength(2);
      const [s1, s2] = order.seatIds.map((id) => ({ row: id[0], n: Number(id.slice(1)) }));
      expect(s1!.row).toBe(s2!.row);
      expect(Math.abs(s1!.n - s2!.n)).toBe(1);
    }
    expect(new Set([...ra.body.order.seatIds, ...rb.body.order.seatIds]).size).toBe(4);
  });

  it('one open order per buyer and event: a second create answers 200 with the same order', async () => {
    const eventId = await newEvent();
    const buyer = await newBuyer(stack);
    const first = await createOrderFor(stack, buyer, eventId, { quantity: 2 });
    expect(first.status).toBe(201);
    const again = await createOrderFor(stack, buyer, eventId, { seatIds: ['C1'] });
    expect(again.status).toBe(200);
    expect(again.body.order).toMatchObject({ orderId: first.body.order.orderId, seatIds: first.body.order.seatIds });
    expect(await heldSeats(eventId)).toHaveLength(2);
  });

  it('10 concurrent creates by one buyer: one order, one hold; after cancelling, a new order', async () => {
    const eventId = await newEvent();
    const buyer = await newBuyer(stack);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => createOrderFor(stack, buyer, eventId, { quantity: 2 })),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    const orderIds = new Set(answers.map((a) => a.body.order.orderId));
    expect(orderIds.size).toBe(1);
    const [orderId] = [...orderIds] as [string];
    const held = await heldSeats(eventId);
    expect(held).toHaveLength(2);
    expect(new Set(held.map((s) => s.orderId))).toEqual(new Set([orderId]));
    const { body } = await call<{ orders: { orderId: string }[] }>(
      stack,
      'GET',
      `/api/admin/events/${eventId}/orders?status=all`,
      { adminKey: stack.adminKey },
    );
    expect(body.orders.map((o) => o.orderId)).toEqual([orderId]);

    const cancel = await call(stack, 'POST', `/api/orders/${orderId}/cancel`, { token: buyer.token });
    expect(cancel.status).toBe(202);
    expect(await pollOrder(stack, buyer, orderId, final)).toMatchObject({ status: 'CANCELLED' });
    // The compensation writes the final status first, then frees the seats: wait for them.
    for (let tries = 0; (await heldSeats(eventId)).length > 0 && tries < 200; tries++)
      await new Promise((r) => setTimeout(r, 50));
    expect(await heldSeats(eventId)).toHaveLength(0);

    const next = await createOrderFor(stack, buyer, eventId, { seatIds: ['C6'] });
    expect(next.status).toBe(201);
    expect(next.body.order.orderId).not.toBe(orderId);
    const open = await call<{ orders: { orderId: string; status: string }[] }>(
      stack,
      'GET',
      `/api/admin/events/${eventId}/orders?status=open`,
      {
        adminKey: stack.adminKey,
      },
    );
    expect(open.body.orders.map((o) => o.orderId)).toEqual([next.body.order.orderId]);
  });

  it('full purchase: pay with 11111 → CONFIRMED with tickets (token and state; QR as a PNG by its route); the admin list shows who got them', async () => {
    const eventId = await newEvent();
    const buyer = await newBuyer(stack);
    const { body } = await createOrderFor(stack, buyer, eventId, { seatIds: ['A5', 'A6'] });
    const { orderId } = body.order;

    const paying = await call<{ order: OrderView }>(stack, 'POST', `/api/orders/${orderId}/payment`, {
      token: buyer.token,
      body: { code: '11111' },
    });
    expect(paying.status).toBe(202);
    expect(paying.body.order).toMatchObject({ status: 'PAYING', payment: { status: 'trying', round: 1 } });
    // A second click while paying is a conflict, not a second charge.
    const twice = await call(stack, 'POST', `/api/orders/${orderId}/payment`, {
      token: buyer.token,
      body: { code: '11111' },
    });
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({ error: { code: 'OrderStateConflict' } });

    const done = await pollOrder(stack, buyer, orderId, final);
    expect(done).toMatchObject({ status: 'CONFIRMED', payment: { status: 'succeeded' } });
    expect(done.tickets?.map((t) => t.seatId)).toEqual(['A5', 'A6']);
    for (const ticket of done.tickets ?? []) {
      expect(ticket).toEqual({
        ticketId: ticket.ticketId,
        seatId: ticket.seatId,
        token: expect.any(String),
        state: 'VALID',
      });
    }

    // The QR code as an image, for its buyer only; anyone else's order (or ticket) is a 404.
    const ticket = done.tickets![0]!;
    const qrPath = `/api/orders/${orderId}/tickets/${ticket.ticketId}/qr`;
    const qr = await fetch(`${stack.url}${qrPath}`, { headers: { authorization: `Bearer ${buyer.token}` } });
    expect(qr.status).toBe(200);
    expect(qr.headers.get('content-type')).toBe('image/png');
    const png = Buffer.from(await qr.arrayBuffer());
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const stranger = await newBuyer(stack);
    const refused = await call(stack, 'GET', qrPath, { token: stranger.token });
    expect(refused.status).toBe(404);
    expect(refused.body).toMatchObject({ error: { code: 'OrderNotFound' } });
    const otherTicket = await call(stack, 'GET', `/api/orders/${orderId}/tickets/tkt_AAAAAAAAAAAAAAAAAAAA/qr`, {
      token: buyer.token,
    });
    expect(otherTicket.status).toBe(404);
    expect((await call(stack, 'GET', qrPath)).status).toBe(401);

    const tickets = await call<{ eventId: string; ticketCount: number; tickets: unknown[] }>(
      stack,
      'GET',
      `/api/admin/events/${eventId}/tickets`,
      {
        adminKey: stack.adminKey,
      },
    );
    expect(tickets.status).toBe(200);
    expect(tickets.body).toEqual({
      eventId,
      ticketCount: 2,
      tickets: done.tickets!.map((t) => ({ buyerId: buyer.buyerId, orderId, seatId: t.seatId, ticketId: t.ticketId })),
    });
    // After the purchase the buyer may buy again.
    expect((await createOrderFor(stack, buyer, eventId, { quantity: 1 })).status).toBe(201);
  });

  it('changing seats moves the hold (202, then the order shows the new seats)', async () => {
    const eventId = await newEvent();
    const buyer = await newBuyer(stack);
    const { body } = await createOrderFor(stack, buyer, eventId, { seatIds: ['B1'] });
    const change = await call(stack, 'PUT', `/api/orders/${body.order.orderId}/seats`, {
      token: buyer.token,
      body: { seatIds: ['B2', 'B3'] },
    });
    expect(change.status).toBe(202);
    const moved = await pollOrder(stack, buyer, body.order.orderId, (o) => o.seatIds.includes('B2'));
    expect(moved).toMatchObject({ status: 'HOLDING', seatIds: ['B2', 'B3'], amountCents: 5000 });
    expect((await heldSeats(eventId)).map((s) => s.seatId)).toEqual(['B2', 'B3']);
  });

  it('an event created through the admin API is on sale at once', async () => {
    const eventId = await adminCreateEvent(stack, {
      name: 'Admin Made',
      rows: 1,
      seatsPerRow: 4,
      priceCents: 900,
      currency: 'GBP',
    });
    expect(eventId).toMatch(/^admin-made-[a-z0-9]{4}$/);
    const listed = await call<{ event: { status: string; seatCount: number } }>(stack, 'GET', `/api/events/${eventId}`);
    expect(listed.body.event).toMatchObject({ status: 'ON_SALE', seatCount: 4 });
    const buyer = await newBuyer(stack);
    const { status, body } = await createOrderFor(stack, buyer, eventId, { quantity: 3 });
    expect(status).toBe(201);
    expect(body.order).toMatchObject({ amountCents: 2700, currency: 'GBP' });
    expect(body.order.seatIds).toHaveLength(3);
  });

  it('40 buyers race for 6 seats by best available: 6 holds, no seat twice, the rest 409', async () => {
    const eventId = await newEvent({ rows: 1, seatsPerRow: 6 });
    const buyers: Buyer[] = await Promise.all(Array.from({ length: 40 }, () => newBuyer(stack)));
    const answers = await Promise.all(buyers.map((b) => createOrderFor(stack, b, eventId, { quantity: 1 })));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(6);
    expect(statuses.filter((s) => s === 409)).toHaveLength(34);
    for (const refused of answers.filter((a) => a.status === 409))
      expect(['SoldOut', 'SeatsTaken']).toContain(refused.body.error?.code);

    const winners = answers.filter((a) => a.status === 201).map((a) => a.body.order);
    const seats = winners.flatMap((o) => o.seatIds);
    expect(new Set(seats).size).toBe(6);
    const held = await heldSeats(eventId);
    expect(held).toHaveLength(6);
    expect(new Set(held.map((s) => s.orderId))).toEqual(new Set(winners.map((o) => o.orderId)));
    // Every winner's own view agrees with the seat map.
    for (const [i, answer] of answers.entries()) {
      if (answer.status !== 201) continue;
      const mine = (await getOrderOf(stack, buyers[i]!, answer.body.order.orderId)).body.order;
      for (const seatId of mine.seatIds) expect(held.find((s) => s.seatId === seatId)?.orderId).toBe(mine.orderId);
    }
  });
});
