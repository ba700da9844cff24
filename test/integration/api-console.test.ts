import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckIn } from '../../contract/check-in';
import type { OrderView } from '../../contract/order-view';
import { createDoorCredential } from '../../lambdas/core/access/staff-credentials';
import { ledgerOfOrder } from '../../lambdas/core/payments/simulated-processor';
import type { SentMessage } from '../../lambdas/core/platform/outbox';
import { voidTickets } from '../../lambdas/core/tickets/ticket-store';
import { ticketsLinkSignature } from '../../lambdas/core/tickets/tickets-link';
import type { LocalStack } from '../../local/local-stack';
import {
  adminCreateEvent,
  buyConfirmed,
  call,
  createOrderFor,
  newBuyer,
  startApiStack,
  TEST_SESSION_KEY,
} from '../support/api-client';
import { eventually } from '../support/eventually';

/**
 * The organizer's side over HTTP on the local stack (real handlers, DynamoDB Local): signing in
 * with the admin key for an operator session, door credentials that can only check tickets in,
 * the door's check-in (exactly once under concurrent scans), and the buyer's signed tickets link.
 */
describe('console and door API', () => {
  let stack: LocalStack;
  let eventId: string;
  let otherEventId: string;
  let operator: string;

  beforeAll(async () => {
    stack = await startApiStack();
    [eventId, otherEventId] = await Promise.all([
      adminCreateEvent(stack, { eventId: 'door-event', name: 'Door', rows: 2, seatsPerRow: 5, priceCents: 1000 }),
      adminCreateEvent(stack, { eventId: 'door-other', name: 'Other', rows: 1, seatsPerRow: 5, priceCents: 1000 }),
    ]);
    const signIn = await call<{ token: string }>(stack, 'POST', '/api/admin/sessions', {
      body: { adminKey: stack.adminKey },
    });
    expect(signIn.status).toBe(201);
    operator = signIn.body.token;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  async function openDoor(forEvent: string, door: string): Promise<string> {
    const { status, body, text } = await call<{ token: string }>(stack, 'POST', '/api/admin/door-credentials', {
      token: operator,
      body: { eventId: forEvent, door },
    });
    if (status !== 201) throw new Error(`door-credentials answered ${status}: ${text}`);
    return body.token;
  }

  /** A confirmed order of a new buyer, bought through the API. */
  async function buy(forEvent: string, seatIds: string[]): Promise<OrderView> {
    return (await buyConfirmed(stack, forEvent, seatIds)).order;
  }

  const scan = (forEvent: string, token: string, code: unknown) =>
    call<{ checkIn: CheckIn; error?: { code: string } }>(stack, 'POST', `/api/events/${forEvent}/check-ins`, {
      token,
      body: { code },
    });

  describe('sign-in', () => {
    it('trades the admin key for a 1 h operator session; a wrong key is 401, no key 400', async () => {
      const before = Date.now();
      const ok = await call<{ role: string; token: string; expiresAt: number }>(stack, 'POST', '/api/admin/sessions', {
        body: { adminKey: stack.adminKey },
      });
      expect(ok.status).toBe(201);
      expect(ok.body.role).toBe('operator');
      expect(ok.body.expiresAt).toBeGreaterThanOrEqual(before + 3600_000 - 1000);
      expect(ok.body.expiresAt).toBeLessThanOrEqual(Date.now() + 3600_000);
      expect(ok.text).not.toContain(stack.adminKey);

      const wrong = await call(stack, 'POST', '/api/admin/sessions', { body: { adminKey: `${stack.adminKey}x` } });
      expect(wrong.status).toBe(401);
      expect(wrong.body).toMatchObject({ error: { code: 'Unauthorized' } });
      const missing = await call(stack, 'POST', '/api/admin/sessions', { body: {} });
      expect(missing.status).toBe(400);
      expect(missing.body).toMatchObject({ error: { code: 'ValidationFailed' } });
    });

    it('an operator session works on admin routes like the key', async () => {
      const tickets = await call(stack, 'GET', `/api/admin/events/${eventId}/tickets`, { token: operator });
      expect(tickets.status).toBe(200);
      const created = await call(stack, 'POST', '/api/events', {
        token: operator,
        body: { name: 'By session', rows: 1, seatsPerRow: 2, priceCents: 500 },
      });
      expect(created.status).toBe(201);
    });

    const adminCalls: [string, string, unknown][] = [
      ['POST', '/api/events', { name: 'Nope', rows: 1, seatsPerRow: 1, priceCents: 1 }],
      ['GET', '/api/admin/events/door-event/tickets', undefined],
      ['GET', '/api/admin/events/door-event/orders?status=all', undefined],
      ['GET', '/api/admin/events/door-event/tickets.csv', undefined],
      ['GET', '/api/admin/orders/ord_anything/story', undefined],
      ['POST', '/api/admin/door-credentials', { eventId: 'door-event', door: 'Back door' }],
    ];
    it.each(adminCalls)(
      '%s %s: a buyer session or a door credential → 403; a forged one → 401',
      async (method, path, body) => {
        const buyer = await newBuyer(stack);
        const door = await openDoor(eventId, 'North gate');
        for (const token of [buyer.token, door]) {
          const refused = await call(stack, method, path, { token, body });
          expect(refused.status).toBe(403);
          expect(refused.body).toMatchObject({ error: { code: 'Forbidden' } });
        }
        const foreign = await createDoorCredential('another-key-that-is-long-enough-0123456789', {
          eventId,
          door: 'Fake',
        });
        for (const token of [foreign.token, 'not-a-jwt']) {
          const refused = await call(stack, method, path, { token, body });
          expect(refused.status).toBe(401);
          expect(refused.body).toMatchObject({ error: { code: 'Unauthorized' } });
        }
      },
    );

    it('a door credential is for an existing event and a named door', async () => {
      const unknown = await call(stack, 'POST', '/api/admin/door-credentials', {
        token: operator,
        body: { eventId: 'no-such-event', door: 'Gate' },
      });
      expect(unknown.status).toBe(404);
      const unnamed = await call(stack, 'POST', '/api/admin/door-credentials', {
        token: operator,
        body: { eventId, door: '' },
      });
      expect(unnamed.status).toBe(400);
    });
  });

  describe('check-in', () => {
    it('valid once, then already checked in (when, which door); a door of another event is 403', async () => {
      const order = await buy(eventId, ['A1']);
      const ticket = order.tickets![0]!;
      const north = await openDoor(eventId, 'North gate');
      const south = await openDoor(eventId, 'South gate');

      const first = await scan(eventId, north, ticket.token);
      expect(first.status).toBe(200);
      expect(first.body.checkIn).toMatchObject({
        result: 'valid',
        door: 'North gate',
        ticket: { ticketId: ticket.ticketId, orderId: order.orderId, seatId: 'A1', eventId },
      });
      const again = await scan(eventId, south, ticket.token);
      expect(again.body.checkIn).toMatchObject({
        result: 'alreadyCheckedIn',
        door: 'North gate',
        checkedInAt: first.body.checkIn.checkedInAt,
      });

      const otherDoor = await openDoor(otherEventId, 'Other gate');
      const refused = await scan(eventId, otherDoor, ticket.token);
      expect(refused.status).toBe(403);
      expect(refused.body.error).toMatchObject({ code: 'Forbidden' });
      const buyer = await newBuyer(stack);
      expect((await scan(eventId, buyer.token, ticket.token)).status).toBe(403);
      expect((await scan(eventId, 'not-a-jwt', ticket.token)).status).toBe(401);
    });

    it('wrong event, forged, altered, voided', async () => {
      const order = await buy(otherEventId, ['A2']);
      const ticket = order.tickets![0]!;
      const door = await openDoor(eventId, 'West gate');
      const otherDoor = await openDoor(otherEventId, 'Other gate');

      expect((await scan(eventId, door, ticket.token)).body.checkIn).toMatchObject({
        result: 'wrongEvent',
        ticket: { eventId: otherEventId, seatId: 'A2' },
      });
      const [data, signature] = ticket.token.split('.') as [string, string];
      const altered = `${Buffer.from(Buffer.from(data, 'base64url').toString().replace('"A2"', '"A3"')).toString(
        'base64url',
      )}.${signature}`;
      for (const code of ['hello', altered, `${data}.${'A'.repeat(signature.length)}`]) {
        const forged = await scan(otherEventId, otherDoor, code);
        expect(forged.status).toBe(200);
        expect(forged.body.checkIn).toEqual({ result: 'forged' });
      }
      const empty = await scan(otherEventId, otherDoor, '');
      expect(empty.status).toBe(400);

      await voidTickets(stack.store, order);
      expect((await scan(otherEventId, otherDoor, ticket.token)).body.checkIn).toMatchObject({ result: 'voided' });
    });

    it('20 concurrent scans of one ticket at four doors admit it exactly once', async () => {
      const order = await buy(eventId, ['B3']);
      const ticket = order.tickets![0]!;
      const doors = await Promise.all(['Gate 1', 'Gate 2', 'Gate 3', 'Gate 4'].map((name) => openDoor(eventId, name)));
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => scan(eventId, doors[i % doors.length]!, ticket.token)),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
      const results = answers.map((a) => a.body.checkIn);
      const valid = results.filter((r) => r.result === 'valid');
      expect(valid).toHaveLength(1);
      expect(results.filter((r) => r.result === 'alreadyCheckedIn')).toHaveLength(19);
      for (const r of results) expect(r).toMatchObject({ checkedInAt: valid[0]!.checkedInAt, door: valid[0]!.door });
    });
  });

  describe("the buyer's tickets link", () => {
    it('shows the order and its tickets with the right signature; any other is 403, none 400', async () => {
      const order = await buy(eventId, ['A4', 'A5']);
      const t = ticketsLinkSignature(order.orderId, stack.ticketSigningKey);
      const shown = await call<{ order: OrderView }>(stack, 'GET', `/api/orders/${order.orderId}/tickets?t=${t}`);
      expect(shown.status).toBe(200);
      expect(shown.body.order).toMatchObject({ orderId: order.orderId, status: 'CONFIRMED', seatIds: ['A4', 'A5'] });
      expect(shown.body.order.tickets?.map((ticket) => ticket.token)).toEqual(order.tickets?.map((x) => x.token));

      const other = await buy(eventId, ['B1']);
      const borrowed = await call(stack, 'GET', `/api/orders/${other.orderId}/tickets?t=${t}`);
      expect(borrowed.status).toBe(403);
      const guessed = await call(stack, 'GET', `/api/orders/${order.orderId}/tickets?t=${'A'.repeat(43)}`);
      expect(guessed.status).toBe(403);
      const none = await call(stack, 'GET', `/api/orders/${order.orderId}/tickets`);
      expect(none.status).toBe(400);
      expect(TEST_SESSION_KEY).not.toBe(stack.ticketSigningKey); // the link is signed with the ticket key
    });

    it("the confirmation e-mail and SMS carry the link, readable in the local stack's outbox", async () => {
      const order = await buy(eventId, ['B5']);
      const sent = await eventually(async () => {
        const { body } = await call<{ messages: SentMessage[] }>(stack, 'GET', '/_local/outbox');
        const mine = body.messages.filter((m) => m.orderId === order.orderId);
        if (mine.length < 2) throw new Error(`${mine.length} of 2 messages in the outbox`);
        return mine;
      });
      expect(sent.map((m) => m.channel).sort()).toEqual(['email', 'sms']);
      const link = /(http:\/\/\S+\/tickets\/\S+)/.exec(sent.find((m) => m.channel === 'email')!.text)?.[1];
      expect(link?.startsWith(`${stack.url}/tickets/${order.orderId}?t=`)).toBe(true);
      const t = new URL(link!).searchParams.get('t');
      const shown = await call<{ order: OrderView }>(stack, 'GET', `/api/orders/${order.orderId}/tickets?t=${t}`);
      expect(shown.status).toBe(200);
      expect(shown.body.order.tickets?.map((ticket) => ticket.seatId)).toEqual(['B5']);
    });
  });

  describe('refund from the console', () => {
    type Refund = {
      refund: {
        status: string;
        refundedNow: boolean;
        releasedSeatIds: string[];
        refundedChargeIds: string[];
        voidedTicketIds: string[];
      };
      error?: { code: string };
    };
    const refund = (orderId: string, token: string, body: unknown = {}) =>
      call<Refund>(stack, 'POST', `/api/admin/orders/${orderId}/refund`, { token, body });

    it('refunds the charge, voids the tickets (the door says voided) and puts the seats back on sale for the next buyer', async () => {
      const order = await buy(eventId, ['B2', 'B4']);
      const door = await openDoor(eventId, 'Refund gate');
      expect((await scan(eventId, door, order.tickets![0]!.token)).body.checkIn.result).toBe('valid');

      const buyer = await newBuyer(stack);
      expect((await refund(order.orderId, buyer.token)).status).toBe(403);
      expect((await refund(order.orderId, door)).status).toBe(403);

      const done = await refund(order.orderId, operator, { note: 'Buyer asked by phone' });
      expect(done.status).toBe(200);
      expect(done.body.refund).toMatchObject({ status: 'CANCELLED', refundedNow: true });
      expect(done.body.refund.releasedSeatIds.sort()).toEqual(['B2', 'B4']);
      expect(done.body.refund.voidedTicketIds).toHaveLength(2);
      expect(done.body.refund.refundedChargeIds).toHaveLength(1);
      const ledger = await ledgerOfOrder(stack.store, order.orderId);
      expect(ledger.map((entry) => entry.outcome)).toEqual(['REFUNDED']);

      for (const ticket of order.tickets!)
        expect((await scan(eventId, door, ticket.token)).body.checkIn.result).toBe('voided');

      // Again (a retried request): nothing more to do, and it says so.
      const again = await refund(order.orderId, operator);
      expect(again.status).toBe(200);
      expect(again.body.refund).toMatchObject({
        refundedNow: false,
        releasedSeatIds: [],
        refundedChargeIds: [],
        voidedTicketIds: [],
      });

      // The seats are on sale again: another buyer gets them.
      const resold = await buy(eventId, ['B2', 'B4']);
      expect(resold.status).toBe('CONFIRMED');
      expect((await scan(eventId, door, resold.tickets![0]!.token)).body.checkIn.result).toBe('valid');
    });

    it('only a confirmed order: an open one is 409, an unknown one 404', async () => {
      const buyer = await newBuyer(stack);
      const open = await createOrderFor(stack, buyer, otherEventId, { seatIds: ['A5'] });
      const refused = await refund(open.body.order.orderId, operator);
      expect(refused.status).toBe(409);
      expect(refused.body.error).toMatchObject({ code: 'OrderStateConflict' });
      const unknown = await refund('ord_00000000-0000-0000-0000-000000000000', operator);
      expect(unknown.status).toBe(404);
    });
  });
});
