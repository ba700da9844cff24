import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CheckIn } from '../../contract/check-in';
import type { OrderStory } from '../../contract/order-story';
import type { OrderView } from '../../contract/order-view';
import type { TicketRefund } from '../../contract/refunds';
import { ticketRefundKey } from '../../lambdas/core/payments/processor';
import type { LedgerEntry } from '../../lambdas/core/payments/simulated-processor';
import type { TicketItem } from '../../lambdas/core/tickets/ticket-item';
import type { LocalStack } from '../../local/local-stack';
import { auditEvent } from '../../ops/audit';
import { adminCreateEvent, type Buyer, buyConfirmed, call, pollOrder, startApiStack } from '../support/api-client';
import { eventually } from '../support/eventually';
import { chargeAndRefunds, seatItem, voidOnly } from '../support/refund-ledger';

/**
 * Refunding ONE ticket from the console over HTTP on the local stack (real handlers, DynamoDB
 * Local, the synthesized order flow, the simulated processor's ledger): its price back under its own
 * idempotency key, the ticket voided (the door says so), the seat back on sale for another buyer,
 * the order CONFIRMED with the rest — or refunded when its last ticket goes; retries, lost answers
 * and DynamoDB faults in the middle finish it without refunding twice; the whole order's refund
 * afterwards gives back only what is left.
 */
describe('refund of a single ticket', () => {
  let stack: LocalStack;
  let operator: string;
  let door: string;
  const eventId = 'ticket-refund';
  const PRICE = 1000;

  type TicketRefundAnswer = { refund: TicketRefund; error?: { code: string } };

  beforeAll(async () => {
    stack = await startApiStack();
    await adminCreateEvent(stack, { eventId, name: 'Refunds', rows: 3, seatsPerRow: 6, priceCents: PRICE });
    const signIn = await call<{ token: string }>(stack, 'POST', '/api/admin/sessions', {
      body: { adminKey: stack.adminKey },
    });
    operator = signIn.body.token;
    const opened = await call<{ token: string }>(stack, 'POST', '/api/admin/door-credentials', {
      token: operator,
      body: { eventId, door: 'Refund gate' },
    });
    door = opened.body.token;
  });

  afterEach(() => stack?.faults.set('off'));

  afterAll(async () => {
    await stack?.stop();
  });

  const buy = (seatIds: string[], onEvent = eventId): Promise<{ buyer: Buyer; order: OrderView }> =>
    buyConfirmed(stack, onEvent, seatIds);

  const refundTicket = (orderId: string, ticketId: string, token: string) =>
    call<TicketRefundAnswer>(stack, 'POST', `/api/admin/orders/${orderId}/tickets/${ticketId}/refund`, {
      token,
      body: {},
    });

  const scan = async (token: string) =>
    (
      await call<{ checkIn: CheckIn }>(stack, 'POST', `/api/events/${eventId}/check-ins`, {
        token: door,
        body: { code: token },
      })
    ).body.checkIn.result;

  const seat = (seatId: string) => seatItem(stack, eventId, seatId);
  const ledger = (orderId: string) => chargeAndRefunds(stack, orderId);

  /** What the processor gave back for the order, all told. */
  const givenBack = ({ charge }: { charge: LedgerEntry }) => charge.refundedCents ?? 0;

  it('refunds the price, voids the ticket, frees the seat for another buyer; the order keeps its other tickets', async () => {
    const { buyer, order } = await buy(['A1', 'A2', 'A3']);
    const ticket = order.tickets!.find((t) => t.seatId === 'A2')!;

    // Operator only: a buyer's session or a door credential is refused.
    expect((await refundTicket(order.orderId, ticket.ticketId, buyer.token)).status).toBe(403);
    expect((await refundTicket(order.orderId, ticket.ticketId, door)).status).toBe(403);
    expect((await refundTicket(order.orderId, ticket.ticketId, '')).status).toBe(401);

    const done = await refundTicket(order.orderId, ticket.ticketId, operator);
    expect(done.status).toBe(200);
    expect(done.body.refund).toMatchObject({
      seatId: 'A2',
      refundCents: PRICE,
      refundedNow: true,
      releasedSeatId: 'A2',
      payment: { outcome: 'refunded', amountCents: PRICE },
    });
    expect(done.body.refund.orderRefund).toBeUndefined();

    // The door: this ticket voided, the others still good.
    expect(await scan(ticket.token)).toBe('voided');
    expect(await scan(order.tickets!.find((t) => t.seatId === 'A1')!.token)).toBe('valid');
    // The buyer's order: still CONFIRMED, the refunded ticket shown voided.
    const seen = await pollOrder(stack, buyer, order.orderId, () => true);
    expect(seen.status).toBe('CONFIRMED');
    expect(seen.tickets?.map((t) => [t.seatId, t.state])).toEqual([
      ['A1', 'VALID'],
      ['A2', 'VOIDED'],
      ['A3', 'VALID'],
    ]);
    expect(await seat('A2')).toMatchObject({ status: 'AVAILABLE' });
    const money = await ledger(order.orderId);
    expect(money.charge).toMatchObject({ outcome: 'CHARGED', refundedCents: PRICE });
    expect(money.refunds.map((r) => r.amountCents)).toEqual([PRICE]);

    // The order's story tells it.
    const story = await call<{ story: OrderStory }>(stack, 'GET', `/api/admin/orders/${order.orderId}/story`, {
      token: operator,
    });
    expect(story.body.story.tickets.find((t) => t.seatId === 'A2')).toMatchObject({
      state: 'VOIDED',
      refundCents: PRICE,
    });
    expect(story.body.story.moments.map((m) => m.what).join('\n')).toMatch(
      /Ticket for A2 refunded singly \(1000 cents/,
    );
    expect(story.body.story.explanation.join('\n')).toMatch(/Confirmed: 2 valid ticket\(s\) for A1, A3/);

    // Again (a retried request): nothing more is given back.
    const again = await refundTicket(order.orderId, ticket.ticketId, operator);
    expect(again.status).toBe(200);
    expect(again.body.refund).toMatchObject({ refundedNow: false, payment: { outcome: 'refunded' } });
    expect(again.body.refund.releasedSeatId).toBeUndefined();
    expect((await ledger(order.orderId)).refunds).toHaveLength(1);

    // Resale: another buyer gets A2, and their ticket is good at the door.
    const next = await buy(['A2']);
    expect(await scan(next.order.tickets![0]!.token)).toBe('valid');

    // The whole order's refund afterwards: the rest of the charge only, and A2 stays the new buyer's.
    const whole = await call<{ refund: { releasedSeatIds: string[]; voidedTicketIds: string[] } }>(
      stack,
      'POST',
      `/api/admin/orders/${order.orderId}/refund`,
      { token: operator, body: {} },
    );
    expect(whole.status).toBe(200);
    expect(whole.body.refund.releasedSeatIds.sort()).toEqual(['A1', 'A3']);
    expect(whole.body.refund.voidedTicketIds).toHaveLength(2);
    const after = await ledger(order.orderId);
    expect(after.charge).toMatchObject({ outcome: 'REFUNDED', refundedCents: 3 * PRICE, amountCents: 3 * PRICE });
    expect(after.refunds.map((r) => r.amountCents)).toEqual([PRICE]); // 1000 singly + 2000 rest = 3000, once
    expect(await seat('A2')).toMatchObject({ status: 'SOLD', orderId: next.order.orderId });
    expect(await scan(next.order.tickets![0]!.token)).toBe('alreadyCheckedIn');
  });

  it("refunding an order's last ticket refunds the order (CANCELLED), once", async () => {
    const { order } = await buy(['A4']);
    const ticket = order.tickets![0]!;
    const done = await refundTicket(order.orderId, ticket.ticketId, operator);
    expect(done.status).toBe(200);
    expect(done.body.refund.orderRefund).toMatchObject({ status: 'CANCELLED' });
    const money = await ledger(order.orderId);
    expect(money.charge).toMatchObject({ outcome: 'REFUNDED', refundedCents: PRICE });
    expect(money.refunds.map((r) => r.amountCents)).toEqual([PRICE]);
    expect(givenBack(money)).toBe(PRICE);
    // The order is refunded now: the whole-order route says so again, and gives nothing more.
    const whole = await call<{ refund: { refundedNow: boolean; refundedChargeIds: string[] } }>(
      stack,
      'POST',
      `/api/admin/orders/${order.orderId}/refund`,
      { token: operator, body: {} },
    );
    expect(whole.body.refund).toMatchObject({ refundedNow: false });
    expect(givenBack(await ledger(order.orderId))).toBe(PRICE);
  });

  it('both tickets of an order refunded at once, each three times over: each refunded once, the order refunded once', async () => {
    const { order } = await buy(['C1', 'C2']);
    const answers = await Promise.all(
      order.tickets!.flatMap((t) => [1, 2, 3].map(() => refundTicket(order.orderId, t.ticketId, operator))),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(answers.filter((a) => a.body.refund.refundedNow)).toHaveLength(2);
    // A ticket's price goes back under its own key (`refunded`), or — when a request for the other
    // ticket found no valid one left and refunded the order first — within the order's refund of
    // the rest of the charge (`covered`; refund-ticket-race.test.ts makes that interleaving on
    // purpose). Either way: every cent back once, and a REFUND entry for exactly the tickets
    // answered `refunded`.
    const refundedSingly = new Set<string>();
    for (const { body } of answers) {
      expect(body.refund).toMatchObject({ refundCents: PRICE });
      expect(['refunded', 'covered']).toContain(body.refund.payment.outcome);
      if (body.refund.payment.outcome === 'refunded') refundedSingly.add(body.refund.ticketId);
    }
    const money = await ledger(order.orderId);
    expect(money.charge).toMatchObject({ outcome: 'REFUNDED', amountCents: 2 * PRICE, refundedCents: 2 * PRICE });
    expect(money.refunds.map((r) => r.idempotencyKey).sort()).toEqual(
      [...refundedSingly].map((ticketId) => ticketRefundKey(ticketId)).sort(),
    );
    expect(money.refunds.every((r) => r.amountCents === PRICE)).toBe(true);
    const orders = await call<{ orders: { orderId: string; status: string }[] }>(
      stack,
      'GET',
      `/api/admin/events/${eventId}/orders?status=all`,
      { token: operator },
    );
    expect(orders.body.orders.find((o) => o.orderId === order.orderId)?.status).toBe('CANCELLED');
  });

  it('a lost answer (api.crash after the handler ran) asked again refunds once', async () => {
    const { order } = await buy(['A5', 'A6']);
    const ticket = order.tickets![0]!;
    stack.faults.set({ rates: { 'api.crash': 1 } });
    const lost = await refundTicket(order.orderId, ticket.ticketId, operator);
    stack.faults.set('off');
    expect(lost.status).toBe(502);
    const retried = await refundTicket(order.orderId, ticket.ticketId, operator);
    expect(retried.status).toBe(200);
    expect(retried.body.refund).toMatchObject({ refundedNow: false, payment: { outcome: 'refunded' } });
    const money = await ledger(order.orderId);
    expect(money.refunds.map((r) => r.amountCents)).toEqual([PRICE]);
    expect(money.charge.refundedCents).toBe(PRICE);
  });

  it('DynamoDB failing mid-way: retries of the same request finish it, refunding once', async () => {
    const { order } = await buy(['B1', 'B2']);
    const ticket = order.tickets!.find((t) => t.seatId === 'B1')!;
    // Most calls fail (after the SDK's own retries, about half reach the handler): requests die
    // between steps. The draws are shared with whatever else the stack does meanwhile (its timers),
    // so the seed alone does not fix the outcome; at 0.8 a refund finishing untouched on its first
    // try is ≈ 1 %, and the loop need not finish it (the last request below, faults off, does).
    stack.faults.set({ seed: 16, rates: { 'dynamodb.error': 0.8 } });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const attempt = await refundTicket(order.orderId, ticket.ticketId, operator);
      statuses.push(attempt.status);
      if (attempt.status === 200) break;
    }
    stack.faults.set('off');
    expect(statuses.some((s) => s >= 500)).toBe(true); // the faults did cut requests short
    const finished = await refundTicket(order.orderId, ticket.ticketId, operator);
    expect(finished.status).toBe(200);
    const money = await ledger(order.orderId);
    expect(money.refunds.map((r) => r.amountCents)).toEqual([PRICE]);
    expect(money.charge).toMatchObject({ outcome: 'CHARGED', refundedCents: PRICE });
    expect(await seat('B1')).toMatchObject({ status: 'AVAILABLE' });
    expect(await scan(ticket.token)).toBe('voided');
    expect(await scan(order.tickets!.find((t) => t.seatId === 'B2')!.token)).toBe('valid');
  });

  it('a crash right after voiding: the whole refund gives the money back once, the retried ticket refund adds nothing', async () => {
    const { order } = await buy(['B3', 'B4']);
    const ticket = order.tickets!.find((t) => t.seatId === 'B3')!;
    // Step 1 only, as a handler that died after its first write leaves it.
    await voidOnly(stack, { eventId: order.eventId, orderId: order.orderId, ticketId: ticket.ticketId }, PRICE);
    expect(await scan(ticket.token)).toBe('voided');
    expect((await ledger(order.orderId)).refunds).toEqual([]);

    const whole = await call(stack, 'POST', `/api/admin/orders/${order.orderId}/refund`, {
      token: operator,
      body: {},
    });
    expect(whole.status).toBe(200);
    const retried = await refundTicket(order.orderId, ticket.ticketId, operator);
    expect(retried.status).toBe(200);
    expect(retried.body.refund.payment).toMatchObject({ outcome: 'covered' });
    const money = await ledger(order.orderId);
    expect(money.charge).toMatchObject({ outcome: 'REFUNDED', refundedCents: 2 * PRICE });
    expect(money.refunds).toEqual([]);
    expect(await seat('B3')).toMatchObject({ status: 'AVAILABLE' });
  });

  it('refuses a ticket of another order (404), an unknown one (404) and a ticket of an order not confirmed (409)', async () => {
    const { order } = await buy(['B5']);
    const other = await buy(['B6']);
    const foreign = await refundTicket(order.orderId, other.order.tickets![0]!.ticketId, operator);
    expect(foreign.status).toBe(404);
    expect(foreign.body.error).toMatchObject({ code: 'NotFound' });
    expect((await refundTicket(order.orderId, 'tkt_nothing', operator)).status).toBe(404);
    expect((await refundTicket(order.orderId, 'tkt_AAAAAAAAAAAAAAAAAAAA', operator)).status).toBe(404);
    expect((await refundTicket(order.orderId, `tkt_${'x'.repeat(3000)}`, operator)).status).toBe(404);
    await call(stack, 'POST', `/api/admin/orders/${order.orderId}/refund`, { token: operator, body: {} });
    // Voided by the order's refund, never refunded singly: nothing to refund twice.
    const refused = await refundTicket(order.orderId, order.tickets![0]!.ticketId, operator);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'OrderStateConflict' });
    const item = await stack.store.doc.send(
      new GetCommand({
        TableName: stack.tables.tickets,
        Key: { eventId: order.eventId, ticketId: order.tickets![0]!.ticketId },
      }),
    );
    expect((item.Item as TicketItem).refundedAt).toBeUndefined();
  });

  it("with price levels, a ticket refunded singly gives back its own seat's price", async () => {
    const levels = 'ticket-refund-levels';
    await adminCreateEvent(stack, {
      eventId: levels,
      name: 'Refunds by level',
      rows: 3,
      seatsPerRow: 4,
      priceCents: 4500,
      priceLevels: [{ fromRow: 'A', toRow: 'A', priceCents: 8000 }],
    });
    const { order } = await buy(['A1', 'C1'], levels);
    expect(order.amountCents).toBe(12_500);
    const front = order.tickets!.find((t) => t.seatId === 'A1')!;
    const done = await refundTicket(order.orderId, front.ticketId, operator);
    expect(done.status).toBe(200);
    expect(done.body.refund).toMatchObject({ seatId: 'A1', refundCents: 8000, refundedNow: true });
    expect(givenBack(await ledger(order.orderId))).toBe(8000);
  });

  it('the money audit of the event is clean afterwards: single refunds, resales and whole refunds all accounted', async () => {
    // The orders' byEvent index is eventually consistent: the audit is asked until it has caught up.
    const report = await eventually(async () => {
      const audited = await auditEvent(stack.store, eventId);
      expect(audited.problems).toEqual([]);
      return audited;
    });
    expect(report.clean).toBe(true);
    expect(report.money.unaccounted).toBe(0);
  });
});
