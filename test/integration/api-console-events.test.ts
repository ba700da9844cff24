import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventInfo } from '../../contract/event-views';
import type { OrderView } from '../../contract/order-view';
import type { TicketsPage } from '../../contract/tickets-page';
import { editEvent } from '../../lambdas/core/events/edit-event';
import { EventNotEditable } from '../../lambdas/core/platform/errors';
import type { SentMessage } from '../../lambdas/core/platform/outbox';
import { ticketsLinkSignature } from '../../lambdas/core/tickets/tickets-link';
import type { LocalStack } from '../../local/local-stack';
import { adminCreateEvent, call, createOrderFor, newBuyer, pollOrder, startApiStack } from '../support/api-client';
import { eventually } from '../support/eventually';

let stack: LocalStack;

beforeAll(async () => {
  stack = await startApiStack();
});

afterAll(async () => {
  await stack?.stop();
});

/**
 * Price levels by row range over HTTP on the local stack (real handlers, DynamoDB Local): an order
 * across two levels is charged the sum of its seats' prices, a change of seats re-prices it, and
 * the tickets link shows each ticket's price.
 */
describe('price levels', () => {
  const eventId = 'levels-event';
  const priceLevels = [
    { name: 'Front', fromRow: 'A', toRow: 'A', priceCents: 8000 },
    { fromRow: 'B', toRow: 'C', priceCents: 4500 },
  ];

  beforeAll(async () => {
    await adminCreateEvent(stack, {
      eventId,
      name: 'Levels',
      venue: 'Hall 1',
      startsAt: '2027-06-01T20:00:00+02:00',
      rows: 4,
      seatsPerRow: 5,
      priceCents: 3000,
      priceLevels,
      maxSeatsPerOrder: 4,
    });
  });

  it('the event and the listing carry the levels', async () => {
    const { body } = await call<{ events: EventInfo[] }>(stack, 'GET', '/api/events');
    expect(body.events.find((e) => e.eventId === eventId)).toMatchObject({ priceCents: 3000, priceLevels });
  });

  it('refuses overlapping levels and rows off the map, naming the field', async () => {
    const overlapping = await call<{ error: { code: string; message: string } }>(stack, 'POST', '/api/events', {
      adminKey: stack.adminKey,
      body: {
        name: 'Bad',
        rows: 3,
        seatsPerRow: 2,
        priceCents: 1,
        priceLevels: [...priceLevels, { fromRow: 'C', toRow: 'D', priceCents: 1 }],
      },
    });
    expect(overlapping.status).toBe(400);
    expect(overlapping.body.error.message).toContain('priceLevels.2');
  });

  it('charges an order across two levels the sum of its seats, re-priced on a change, and prices each ticket', async () => {
    const buyer = await newBuyer(stack);
    const created = await createOrderFor(stack, buyer, eventId, { seatIds: ['A1', 'B1', 'D1'] });
    expect(created.status).toBe(201);
    expect(created.body.order.amountCents).toBe(8000 + 4500 + 3000);
    const { orderId } = created.body.order;

    const changed = await call(stack, 'PUT', `/api/orders/${orderId}/seats`, {
      token: buyer.token,
      body: { seatIds: ['A1', 'A2', 'C5'] },
    });
    expect(changed.status).toBeLessThan(300);
    const rePriced = await pollOrder(stack, buyer, orderId, (o) => o.seatIds.includes('A2'));
    expect(rePriced.amountCents).toBe(8000 + 8000 + 4500);

    const paying = await call(stack, 'POST', `/api/orders/${orderId}/payment`, {
      token: buyer.token,
      body: { code: '11111' },
    });
    expect(paying.status).toBe(202);
    const confirmed: OrderView = await pollOrder(
      stack,
      buyer,
      orderId,
      (o) => o.status === 'CONFIRMED' && (o.tickets?.length ?? 0) > 0,
    );
    expect(confirmed.amountCents).toBe(20_500);

    const t = ticketsLinkSignature(orderId, stack.ticketSigningKey);
    const shown = await call<TicketsPage>(stack, 'GET', `/api/orders/${orderId}/tickets?t=${t}`);
    expect(shown.status).toBe(200);
    expect(Object.fromEntries((shown.body.order.tickets ?? []).map((x) => [x.seatId, x.priceCents]))).toEqual({
      A1: 8000,
      A2: 8000,
      C5: 4500,
    });
    expect(shown.body.event).toMatchObject({ eventId, name: 'Levels', venue: 'Hall 1', currency: 'EUR' });

    // The same tickets as a PDF: one page per ticket; only the signed link opens it.
    const file = await fetch(`${stack.url}/api/orders/${orderId}/tickets.pdf?t=${t}`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect(file.headers.get('content-disposition')).toContain(`tickets-${orderId}.pdf`);
    const pdf = await PDFDocument.load(new Uint8Array(await file.arrayBuffer()));
    expect(pdf.getPageCount()).toBe(3);
    expect((await fetch(`${stack.url}/api/orders/${orderId}/tickets.pdf?t=${'A'.repeat(43)}`)).status).toBe(403);
    expect((await fetch(`${stack.url}/api/orders/${orderId}/tickets.pdf`)).status).toBe(400);
    const unknown = 'ord_00000000-0000-0000-0000-000000000000';
    const unknownLink = ticketsLinkSignature(unknown, stack.ticketSigningKey);
    expect((await fetch(`${stack.url}/api/orders/${unknown}/tickets.pdf?t=${unknownLink}`)).status).toBe(404);

    // The confirmation e-mail and SMS name the event and its date and time with the zone.
    const sent = await eventually(async () => {
      const { body } = await call<{ messages: SentMessage[] }>(stack, 'GET', '/_local/outbox');
      const mine = body.messages.filter((m) => m.orderId === orderId);
      if (mine.length < 2) throw new Error('not sent yet');
      return mine;
    });
    for (const message of sent) {
      expect(message.text).toContain('Your tickets for Levels, Tue, 1 Jun 2027, 20:00 (UTC+02:00), Hall 1: seats');
    }
    expect(sent.find((m) => m.channel === 'email')?.subject).toBe(
      'Your tickets for Levels, Tue, 1 Jun 2027, 20:00 (UTC+02:00)',
    );
  });
});

/**
 * Editing an event before its sale (PATCH /api/admin/events/{eventId}): operators only, the
 * changes checked whole as a create is, refused once the sale has begun or for a new grid, and
 * one conditional write so concurrent edits never lose one.
 */
describe('editing an event', () => {
  const later = new Date(Date.now() + 7 * 86_400_000).toISOString();
  type Answer = { event: EventInfo & { version?: number }; error?: { code: string; message: string } };
  const patch = (
    eventId: string,
    body: unknown,
    auth: { token?: string; adminKey?: string } = { adminKey: stack.adminKey },
  ) => call<Answer>(stack, 'PATCH', `/api/admin/events/${eventId}`, { ...auth, body });

  it('changes what was sent and keeps the rest; null removes an optional field', async () => {
    const eventId = await adminCreateEvent(stack, {
      eventId: 'edit-me',
      name: 'Draft',
      venue: 'Old hall',
      rows: 3,
      seatsPerRow: 4,
      priceCents: 2000,
      maxSeatsPerOrder: 3,
      salesStartAt: later,
    });
    const edited = await patch(eventId, {
      name: 'Final',
      startsAt: '2027-06-01T20:00:00+02:00',
      priceLevels: [{ name: 'Front', fromRow: 'A', toRow: 'A', priceCents: 5000 }],
      holdSeconds: 600,
      waitingRoom: { maxActivePurchasers: 5 },
      rows: 3,
    });
    expect(edited.status).toBe(200);
    expect(edited.body.event).toMatchObject({
      name: 'Final',
      venue: 'Old hall',
      maxSeatsPerOrder: 3,
      holdSeconds: 600,
      version: 1,
    });
    const { body } = await call<{ event: EventInfo }>(stack, 'GET', `/api/events/${eventId}`);
    expect(body.event).toMatchObject({
      name: 'Final',
      venue: 'Old hall',
      startsAt: '2027-06-01T20:00:00+02:00',
      priceCents: 2000,
      priceLevels: [{ name: 'Front', fromRow: 'A', toRow: 'A', priceCents: 5000 }],
      waitingRoom: { enabled: true, maxActivePurchasers: 5 },
      salesStartAt: later,
    });

    const removed = await patch(eventId, { venue: null, priceLevels: null });
    expect(removed.status).toBe(200);
    expect(removed.body.event.venue).toBeUndefined();
    expect(removed.body.event.priceLevels).toBeUndefined();
    expect(removed.body.event.version).toBe(2);
  });

  it('changes the waiting room field by field', async () => {
    const eventId = await adminCreateEvent(stack, {
      eventId: 'edit-room',
      name: 'Room',
      rows: 1,
      seatsPerRow: 2,
      priceCents: 1,
      salesStartAt: later,
      waitingRoom: { admissionSeconds: 240, abandonAfterSeconds: 300 },
    });
    const edited = await patch(eventId, { waitingRoom: { maxActivePurchasers: 7 } });
    expect(edited.status).toBe(200);
    expect(edited.body.event.waitingRoom).toMatchObject({
      maxActivePurchasers: 7,
      admissionSeconds: 240,
      abandonAfterSeconds: 300,
    });
    // A setting the room no longer has is refused as unknown, field named.
    const shards = await patch(eventId, { waitingRoom: { positionShards: 2 } });
    expect(shards.status).toBe(400);
  });

  it('answers wrong input with the field, and a new grid or an unknown event plainly', async () => {
    const eventId = await adminCreateEvent(stack, {
      eventId: 'edit-bad',
      name: 'Bad',
      rows: 2,
      seatsPerRow: 2,
      priceCents: 1,
      salesStartAt: later,
    });
    const offMap = await patch(eventId, { priceLevels: [{ fromRow: 'A', toRow: 'C', priceCents: 1 }] });
    expect(offMap.status).toBe(400);
    expect(offMap.body.error?.message).toContain('priceLevels.0.toRow');
    const unknown = await patch(eventId, { eventId: 'other' });
    expect(unknown.status).toBe(400);
    const grid = await patch(eventId, { rows: 3 });
    expect(grid.status).toBe(409);
    expect(grid.body.error).toMatchObject({ code: 'EventNotEditable' });
    expect(grid.body.error?.message).toContain('rows');
    expect((await patch('no-such-event', { name: 'x' })).status).toBe(404);
  });

  it('is for operators only: a buyer or a door gets 403, nobody 401', async () => {
    const eventId = await adminCreateEvent(stack, {
      eventId: 'edit-auth',
      name: 'Auth',
      rows: 1,
      seatsPerRow: 2,
      priceCents: 1,
      salesStartAt: later,
    });
    const buyer = await newBuyer(stack);
    expect((await patch(eventId, { name: 'Mine' }, { token: buyer.token })).status).toBe(403);
    const door = await call<{ token: string }>(stack, 'POST', '/api/admin/door-credentials', {
      adminKey: stack.adminKey,
      body: { eventId, door: 'North' },
    });
    expect((await patch(eventId, { name: 'Mine' }, { token: door.body.token })).status).toBe(403);
    expect((await patch(eventId, { name: 'Mine' }, {})).status).toBe(401);
    const { body } = await call<{ event: EventInfo }>(stack, 'GET', `/api/events/${eventId}`);
    expect(body.event.name).toBe('Auth');
  });

  it('is refused with 409 once the sale has begun: its start is past, or an order exists', async () => {
    const started = await adminCreateEvent(stack, {
      eventId: 'edit-started',
      name: 'Started',
      rows: 1,
      seatsPerRow: 2,
      priceCents: 1,
      salesStartAt: new Date(Date.now() - 60_000).toISOString(),
    });
    const late = await patch(started, { name: 'Too late' });
    expect(late.status).toBe(409);
    expect(late.body.error?.message).toContain('its sale began');

    const selling = await adminCreateEvent(stack, {
      eventId: 'edit-selling',
      name: 'Selling',
      rows: 1,
      seatsPerRow: 3,
      priceCents: 100,
    });
    expect((await patch(selling, { priceCents: 200 })).status).toBe(200); // nobody ordered yet
    const buyer = await newBuyer(stack);
    expect((await createOrderFor(stack, buyer, selling, { seatIds: ['A1'] })).status).toBe(201);
    const refused = await patch(selling, { priceCents: 50 });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'EventNotEditable' });
    expect(refused.body.error?.message).toContain('it has orders');
  });

  it('concurrent edits never lose one: each success writes the next version, the others are refused', async () => {
    const eventId = await adminCreateEvent(stack, {
      eventId: 'edit-race',
      name: 'Race',
      rows: 1,
      seatsPerRow: 2,
      priceCents: 1,
      salesStartAt: later,
    });
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => editEvent(stack.store, eventId, { name: `Edit ${i}` })),
    );
    const won = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    expect(won.length).toBeGreaterThanOrEqual(1);
    for (const reason of lost) expect(reason).toBeInstanceOf(EventNotEditable);
    expect(new Set(won.map((e) => e.version)).size).toBe(won.length);
    const { body } = await call<{ event: EventInfo & { version?: number } }>(stack, 'GET', `/api/events/${eventId}`);
    expect(body.event.version).toBe(won.length);
    expect(won.map((e) => e.name)).toContain(body.event.name);
  });
});
