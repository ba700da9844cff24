import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventInfo } from '../../contract/event-views';
import type { OrderView } from '../../contract/order-view';
import type { TicketsPage } from '../../contract/tickets-page';
import { ticketsLinkSignature } from '../../lambdas/core/tickets/tickets-link';
import type { LocalStack } from '../../local/local-stack';
import { adminCreateEvent, call, createOrderFor, newBuyer, pollOrder, startApiStack } from '../support/api-client';

/**
 * Price levels by row range over HTTP on the local stack (real handlers, DynamoDB Local): an order
 * across two levels is charged the sum of its seats' prices, a change of seats re-prices it, and
 * the tickets link shows each ticket's price.
 */
describe('price levels', () => {
  let stack: LocalStack;
  const eventId = 'levels-event';
  const priceLevels = [
    { name: 'Front', fromRow: 'A', toRow: 'A', priceCents: 8000 },
    { fromRow: 'B', toRow: 'C', priceCents: 4500 },
  ];

  beforeAll(async () => {
    stack = await startApiStack();
    await adminCreateEvent(stack, {
      eventId,
      name: 'Levels',
      rows: 4,
      seatsPerRow: 5,
      priceCents: 3000,
      priceLevels,
      maxSeatsPerOrder: 4,
    });
  });

  afterAll(async () => {
    await stack?.stop();
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
    expect(shown.body.event).toMatchObject({ eventId, name: 'Levels', currency: 'EUR' });
  });
});
