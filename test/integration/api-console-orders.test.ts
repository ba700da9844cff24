import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckIn } from '../../contract/check-in';
import type { EventInfo } from '../../contract/event-views';
import type { OrderStory } from '../../contract/order-story';
import type { OrderView } from '../../contract/order-view';
import type { LocalStack } from '../../local/local-stack';
import { adminCreateEvent, call, createOrderFor, newBuyer, pollOrder, startApiStack } from '../support/api-client';
import { eventually } from '../support/eventually';

/**
 * The console's orders over HTTP on the local stack (real handlers, DynamoDB Local, the
 * synthesized order flow): an order's story from its item, tickets and execution history, and
 * "who got tickets" as CSV. Authorization of both routes is in api-console.test.ts.
 */
describe('console orders API', () => {
  let stack: LocalStack;
  let eventId: string;
  let operator: string;

  beforeAll(async () => {
    stack = await startApiStack();
    eventId = await adminCreateEvent(stack, {
      eventId: 'story-event',
      name: 'Story',
      rows: 1,
      seatsPerRow: 6,
      priceCents: 1000,
    });
    const signIn = await call<{ token: string }>(stack, 'POST', '/api/admin/sessions', {
      body: { adminKey: stack.adminKey },
    });
    operator = signIn.body.token;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  async function buy(seatIds: string[], code = '11111'): Promise<OrderView> {
    const buyer = await newBuyer(stack);
    const created = await createOrderFor(stack, buyer, eventId, { seatIds });
    expect(created.status).toBe(201);
    const { orderId } = created.body.order;
    const paying = await call(stack, 'POST', `/api/orders/${orderId}/payment`, { token: buyer.token, body: { code } });
    expect(paying.status).toBe(202);
    // Declined: the order holds its seats again and waits for the buyer (default payment rounds).
    return pollOrder(stack, buyer, orderId, (o) =>
      code === '00000' ? o.status === 'HOLDING' && o.payment.status === 'failed' : o.status === 'CONFIRMED',
    );
  }

  const story = (orderId: string) =>
    call<{ story: OrderStory }>(stack, 'GET', `/api/admin/orders/${orderId}/story`, { token: operator });

  async function checkIn(ticketToken: string, door: string): Promise<CheckIn> {
    const opened = await call<{ token: string }>(stack, 'POST', '/api/admin/door-credentials', {
      token: operator,
      body: { eventId, door },
    });
    const scanned = await call<{ checkIn: CheckIn }>(stack, 'POST', `/api/events/${eventId}/check-ins`, {
      token: opened.body.token,
      body: { code: ticketToken },
    });
    return scanned.body.checkIn;
  }

  it("tells a confirmed order's story: tickets, check-in, execution and its steps, no secrets", async () => {
    const order = await buy(['A1', 'A2']);
    expect(order.status).toBe('CONFIRMED');
    const ticket = order.tickets!.find((t) => t.seatId === 'A1')!;
    expect((await checkIn(ticket.token, 'North gate')).result).toBe('valid');

    const { status, body, text } = await story(order.orderId);
    expect(status).toBe(200);
    const s = body.story;
    expect(s).toMatchObject({ orderId: order.orderId, eventId, status: 'CONFIRMED', seatIds: ['A1', 'A2'] });
    expect(s.tickets.map((t) => [t.seatId, t.state, t.checkedInBy])).toEqual([
      ['A1', 'VALID', 'North gate'],
      ['A2', 'VALID', undefined],
    ]);
    expect(s.execution?.status).toBe('SUCCEEDED');
    expect(s.explanation[0]).toMatch(/^Confirmed: 2 valid ticket/);
    expect(s.steps.join('\n')).toMatch(/ChargePayment[\s\S]*ExecutionSucceeded/);
    expect(s.moments.map((m) => m.what)).toContain('Ticket for A1 checked in at North gate');
    const at = s.moments.map((m) => m.at);
    expect(at).toEqual([...at].sort((a, b) => a - b));
    // Nothing to act around the API with: no ticket token, task token or charge id.
    expect(text).not.toContain(ticket.token);
    expect(text).not.toMatch(/taskToken|chargeId|"token"/);
  });

  it('says where an open order waits and why its payment failed', async () => {
    const order = await buy(['A3'], '00000');
    const s = (await story(order.orderId)).body.story;
    expect(s).toMatchObject({ status: 'HOLDING', paymentStatus: 'failed' });
    expect(s.execution).toMatchObject({ status: 'RUNNING', waitsIn: 'WaitForBuyer' });
    const explanation = s.explanation.join('\n');
    expect(explanation).toMatch(/waits for the buyer/);
    expect(explanation).toMatch(/The last payment failed \(.*declined/i);
    expect(s.moments.map((m) => m.what)).toContain('Hold ends (seats go back on sale unless paid)');
  });

  it('an unknown order is 404 OrderNotFound', async () => {
    const { status, body } = await story('ord_nothing_here');
    expect(status).toBe(404);
    expect(body).toMatchObject({ error: { code: 'OrderNotFound' } });
  });

  it('exports who got tickets as CSV: every ticket with its state and check-in, formulas defused', async () => {
    const order = await buy(['A5', 'A6']);
    const ticket = order.tickets!.find((t) => t.seatId === 'A5')!;
    // A leading '-' and a comma: defused and quoted in the CSV.
    expect((await checkIn(ticket.token, '-1 (West, main)')).result).toBe('valid');
    const refunded = await buy(['A4']);
    expect(
      (await call(stack, 'POST', `/api/admin/orders/${refunded.orderId}/refund`, { token: operator, body: {} })).status,
    ).toBe(200);

    const response = await fetch(`${stack.url}/api/admin/events/${eventId}/tickets.csv`, {
      headers: { authorization: `Bearer ${operator}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toContain(`tickets-${eventId}.csv`);
    const lines = (await response.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('orderId,seatId,buyerId,ticketId,state,checkedInAt,checkedInBy');
    const row = (seatId: string) => lines.find((line) => line.split(',')[1] === seatId)?.split(',');
    expect(row('A5')).toMatchObject({ 0: order.orderId, 3: ticket.ticketId, 4: 'VALID' });
    expect(row('A5')?.[5]).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(lines.find((line) => line.includes(',A5,'))).toMatch(/,"'-1 \(West, main\)"$/);
    expect(row('A6')).toMatchObject({ 4: 'VALID', 5: '', 6: '' });
    expect(row('A4')).toMatchObject({ 0: refunded.orderId, 4: 'VOIDED' });
  });

  describe('events', () => {
    it('lists events by their date, each with its seats left; undated events last', async () => {
      const create = (body: Record<string, unknown>) => call(stack, 'POST', '/api/events', { token: operator, body });
      const later = await create({
        eventId: 'dated-later',
        name: 'Later',
        rows: 1,
        seatsPerRow: 3,
        priceCents: 100,
        startsAt: '2027-03-01T20:00:00+01:00',
      });
      const sooner = await create({
        eventId: 'dated-sooner',
        name: 'Sooner',
        rows: 2,
        seatsPerRow: 2,
        priceCents: 100,
        startsAt: '2027-02-01T19:30:00Z',
      });
      expect([later.status, sooner.status]).toEqual([201, 201]);
      const listed = await eventually(async () => {
        const { body } = await call<{ events: EventInfo[] }>(stack, 'GET', '/api/events');
        expect(body.events.find((e) => e.eventId === 'dated-sooner')?.seatsLeft).toBe(4);
        return body.events;
      });
      expect(listed.map((e) => e.eventId).slice(0, 2)).toEqual(['dated-sooner', 'dated-later']);
      expect(listed.at(-1)?.startsAt).toBeUndefined();
      expect(listed[0]).toMatchObject({ startsAt: '2027-02-01T19:30:00Z', seatsLeft: 4 });
    });

    it("refuses a bad date, naming the field (what the console's form shows next to it)", async () => {
      const { status, body } = await call<{ error: { code: string; issues: string[] } }>(stack, 'POST', '/api/events', {
        token: operator,
        body: {
          name: 'Bad',
          rows: 1,
          seatsPerRow: 1,
          priceCents: 1,
          startsAt: 'next friday',
          waitingRoom: { maxActivePurchasers: 0 },
        },
      });
      expect(status).toBe(400);
      expect(body.error.code).toBe('ValidationFailed');
      expect(body.error.issues.some((issue) => issue.startsWith('startsAt: '))).toBe(true);
      expect(body.error.issues.some((issue) => issue.startsWith('waitingRoom.maxActivePurchasers: '))).toBe(true);
    });
  });
});
