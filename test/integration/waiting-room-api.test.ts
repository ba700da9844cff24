import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { OrderView } from '../../contract/order-view';
import { RAISED_REQUEST_LIMITS_ENV } from '../../contract/request-limits';
import type { OperatorWaitingRoomStatus } from '../../lambdas/core/waiting-room/operator-status';
import type { BuyerWaitingRoomStatus } from '../../lambdas/core/waiting-room/waiting-room-service';
import type { LocalStack } from '../../local/local-stack';
import { adminCreateEvent, type Buyer, call, newBuyer, pollOrder, startApiStack } from '../support/api-client';
import { eventually } from '../support/eventually';

/**
 * The waiting room end to end on the local stack: HTTP API, the order state machine, and the
 * orders stream freeing slots as orders end — no shortcut through the core.
 */
describe('the waiting room through the API', () => {
  let stack: LocalStack;
  let seq = 0;

  beforeAll(async () => {
    // One pay request per order, so a declined card ends the order at once.
    // 100 buyers join from 127.0.0.1: the per-address limits raised for this stack.
    stack = await startApiStack({ PAYMENT_ROUNDS: '1', PAYMENT_LATENCY_MS: '50', ...RAISED_REQUEST_LIMITS_ENV });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  async function roomEvent(seats: number, room: Record<string, number>, holdSeconds = 300): Promise<string> {
    seq += 1;
    return adminCreateEvent(stack, {
      eventId: `room-${seq}`,
      name: `Room ${seq}`,
      rows: 1,
      seatsPerRow: seats,
      priceCents: 1000,
      holdSeconds,
      maxSeatsPerOrder: 1,
      waitingRoom: { enabled: true, ...room },
    });
  }

  const queue = (buyer: Buyer, eventId: string, method: 'POST' | 'GET' | 'DELETE' = 'GET') =>
    call<{ queue: BuyerWaitingRoomStatus }>(stack, method, `/api/events/${eventId}/queue`, { token: buyer.token }).then(
      (r) => {
        if (r.status !== 200) throw new Error(`${method} queue answered ${r.status}: ${r.text}`);
        return r.body.queue;
      },
    );
  const operator = (eventId: string) =>
    call<{ queue: OperatorWaitingRoomStatus }>(stack, 'GET', `/api/admin/events/${eventId}/queue`, {
      adminKey: stack.adminKey,
    }).then((r) => r.body.queue);
  const orderWith = (buyer: Buyer, eventId: string, admissionToken: string | undefined) =>
    call<{ order: OrderView; error?: { code: string } }>(stack, 'POST', `/api/events/${eventId}/orders`, {
      token: buyer.token,
      body: { quantity: 1 },
      headers: admissionToken ? { 'x-admission-token': admissionToken } : {},
    });

  function untilState(
    buyer: Buyer,
    eventId: string,
    states: BuyerWaitingRoomStatus['state'][],
  ): Promise<BuyerWaitingRoomStatus> {
    return eventually(
      async () => {
        const status = await queue(buyer, eventId);
        if (!states.includes(status.state)) throw new Error(`Buyer stuck in the queue: ${JSON.stringify(status)}`);
        return status;
      },
      { intervalMs: 100 },
    );
  }

  it('refuses an order without an admission, keeps positions across refreshes, and hands the slot on at every ending', async () => {
    const eventId = await roomEvent(6, { maxActivePurchasers: 1 }, 10);
    const buyers = await Promise.all(Array.from({ length: 5 }, () => newBuyer(stack)));
    const joined: BuyerWaitingRoomStatus[] = [];
    for (const buyer of buyers) joined.push(await queue(buyer, eventId, 'POST'));
    expect(joined.map((s) => s.position)).toEqual([1, 2, 3, 4, 5]);
    expect(joined.map((s) => s.state)).toEqual(['ADMITTED', 'WAITING', 'WAITING', 'WAITING', 'WAITING']);
    expect((await queue(buyers[3]!, eventId, 'POST')).position).toBe(4); // a refresh keeps the place

    // Nobody skips the line: no token, someone else's token.
    const skip = await orderWith(buyers[1]!, eventId, undefined);
    expect(skip.status).toBe(403);
    expect(skip.body.error?.code).toBe('AdmissionRequired');
    expect((await orderWith(buyers[1]!, eventId, joined[0]!.admissionToken)).status).toBe(403);

    // 1st buyer: confirmed → the slot goes to the 2nd.
    const first = await orderWith(buyers[0]!, eventId, joined[0]!.admissionToken);
    expect(first.status).toBe(201);
    expect((await queue(buyers[0]!, eventId)).state).toBe('PURCHASING');
    await call(stack, 'POST', `/api/orders/${first.body.order.orderId}/payment`, {
      token: buyers[0]!.token,
      body: { code: '11111' },
    });
    await pollOrder(stack, buyers[0]!, first.body.order.orderId, (o) => o.status === 'CONFIRMED');
    const second = await untilState(buyers[1]!, eventId, ['ADMITTED']);
    expect((await queue(buyers[0]!, eventId)).state).toBe('DONE');

    // 2nd: cancelled → 3rd.
    const secondOrder = await orderWith(buyers[1]!, eventId, second.admissionToken);
    await call(stack, 'POST', `/api/orders/${secondOrder.body.order.orderId}/cancel`, { token: buyers[1]!.token });
    const third = await untilState(buyers[2]!, eventId, ['ADMITTED']);

    // 3rd: payment failed (declined, no pay request left) → 4th.
    const thirdOrder = await orderWith(buyers[2]!, eventId, third.admissionToken);
    await call(stack, 'POST', `/api/orders/${thirdOrder.body.order.orderId}/payment`, {
      token: buyers[2]!.token,
      body: { code: '00000' },
    });
    await pollOrder(stack, buyers[2]!, thirdOrder.body.order.orderId, (o) => o.status === 'FAILED');
    const fourth = await untilState(buyers[3]!, eventId, ['ADMITTED']);

    // 4th: the hold expires (10 s) → 5th.
    const fourthOrder = await orderWith(buyers[3]!, eventId, fourth.admissionToken);
    expect(fourthOrder.status).toBe(201);
    await pollOrder(stack, buyers[3]!, fourthOrder.body.order.orderId, (o) => o.status === 'EXPIRED');
    await untilState(buyers[4]!, eventId, ['ADMITTED']);

    // 5th leaves without ordering: the slot is free, nobody is waiting.
    expect((await queue(buyers[4]!, eventId, 'DELETE')).state).toBe('LEFT');
    expect(await operator(eventId)).toMatchObject({ activePurchasers: 0, waitingCount: 0, admittedCount: 5 });
  });

  it('one admission buys once: create → cancel → create again with the same token is refused, the next buyer is served (#12)', async () => {
    const eventId = await roomEvent(4, { maxActivePurchasers: 1 });
    const [buyer, next] = await Promise.all([newBuyer(stack), newBuyer(stack)]);
    const admitted = await queue(buyer!, eventId, 'POST');
    expect(admitted.state).toBe('ADMITTED');
    expect((await queue(next!, eventId, 'POST')).state).toBe('WAITING');

    const first = await orderWith(buyer!, eventId, admitted.admissionToken);
    expect(first.status).toBe(201);
    await call(stack, 'POST', `/api/orders/${first.body.order.orderId}/cancel`, { token: buyer!.token });
    // Ask again at once and again: the open order comes back (200) until it has ended; the first
    // answer after that comes straight after the ending, before the orders stream frees the slot.
    let again = await orderWith(buyer!, eventId, admitted.admissionToken);
    for (let tries = 0; again.status === 200 && tries < 500; tries++)
      again = await orderWith(buyer!, eventId, admitted.admissionToken);
    expect(again.status).toBe(403);
    expect(again.body.error?.code).toBe('AdmissionRequired');

    // The slot goes on to the next buyer; this buyer needs a new turn, at the back of the line.
    await untilState(next!, eventId, ['ADMITTED']);
    expect((await queue(buyer!, eventId)).state).toBe('DONE');
    expect(await queue(buyer!, eventId, 'POST')).toMatchObject({ state: 'WAITING', position: 3, peopleAhead: 0 });
    expect((await orderWith(buyer!, eventId, admitted.admissionToken)).status).toBe(403);
  });

  it('five simultaneous joins of one buyer use one position number; the next buyer and the operator count exactly (#12)', async () => {
    const eventId = await roomEvent(4, { maxActivePurchasers: 1 });
    const [eager, next, last] = await Promise.all([newBuyer(stack), newBuyer(stack), newBuyer(stack)]);
    const joins = await Promise.all([1, 2, 3, 4, 5].map(() => queue(eager!, eventId, 'POST')));
    expect(joins.map((j) => j.position)).toEqual([1, 1, 1, 1, 1]);
    expect(await queue(next!, eventId, 'POST')).toMatchObject({ state: 'WAITING', position: 2, peopleAhead: 0 });
    expect(await queue(last!, eventId, 'POST')).toMatchObject({ state: 'WAITING', position: 3, peopleAhead: 1 });
    const view = await operator(eventId);
    expect(view).toMatchObject({ issuedPositions: 3, waitingCount: 2 });
    expect(view.waiting.map((w) => w.position)).toEqual([2, 3]);
  });

  it('a renewed session keeps the buyer’s place and open order, and the socket accepts the new token (#12)', async () => {
    const eventId = await roomEvent(4, { maxActivePurchasers: 1 });
    const [buyer, waiting] = await Promise.all([newBuyer(stack), newBuyer(stack)]);
    const admitted = await queue(buyer!, eventId, 'POST');
    const place = await queue(waiting!, eventId, 'POST');
    const order = await orderWith(buyer!, eventId, admitted.admissionToken);
    expect(order.status).toBe(201);

    const renew = (who: Buyer) =>
      call<{ buyerId: string; token: string; expiresAt: number }>(stack, 'POST', '/api/sessions', {
        token: who.token,
      });
    const renewed = await renew(buyer!);
    expect(renewed.status).toBe(201);
    expect(renewed.body.buyerId).toBe(buyer!.buyerId);
    const buyerAgain: Buyer = { buyerId: renewed.body.buyerId, token: renewed.body.token };
    // The open order is still theirs (a create answers it), and so is the slot.
    const same = await orderWith(buyerAgain, eventId, admitted.admissionToken);
    expect(same.status).toBe(200);
    expect(same.body.order.orderId).toBe(order.body.order.orderId);
    expect((await queue(buyerAgain, eventId)).state).toBe('PURCHASING');

    const waitingRenewed = await renew(waiting!);
    expect(waitingRenewed.body.buyerId).toBe(waiting!.buyerId);
    const waitingAgain: Buyer = { buyerId: waiting!.buyerId, token: waitingRenewed.body.token };
    expect(await queue(waitingAgain, eventId, 'POST')).toMatchObject({ state: 'WAITING', position: place.position });

    // The socket is re-authenticated with the new token.
    const status = await new Promise<number>((resolve, reject) => {
      const socket = new WebSocket(`${stack.webSocketUrl}?token=${encodeURIComponent(buyerAgain.token)}`);
      socket.once('open', () => {
        socket.close();
        resolve(101);
      });
      socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      socket.once('error', reject);
    });
    expect(status).toBe(101);

    // A token not ours gets a new buyer, as no token does.
    const stranger = await call<{ buyerId: string }>(stack, 'POST', '/api/sessions', { token: 'not-a-session' });
    expect(stranger.status).toBe(201);
    expect(stranger.body.buyerId).not.toBe(buyer!.buyerId);
  });

  it('an admission nobody uses lapses and the next buyer is admitted', async () => {
    const eventId = await roomEvent(4, { maxActivePurchasers: 1, admissionSeconds: 10 });
    const [idle, next] = await Promise.all([newBuyer(stack), newBuyer(stack)]);
    expect((await queue(idle!, eventId, 'POST')).state).toBe('ADMITTED');
    expect((await queue(next!, eventId, 'POST')).state).toBe('WAITING');
    await untilState(next!, eventId, ['ADMITTED']);
    expect((await queue(idle!, eventId)).state).toBe('DONE');
  });

  it('100 buyers for 20 seats through the room: exactly 20 tickets, everyone else told sold out, nobody stuck', async () => {
    const eventId = await roomEvent(20, { maxActivePurchasers: 10 });
    const buyers = await Promise.all(Array.from({ length: 100 }, () => newBuyer(stack)));
    const joined = await Promise.all(buyers.map((buyer) => queue(buyer, eventId, 'POST')));
    // A join may answer before the batch writer numbered it ("taking your place in line", no
    // position, under load): like the page, ask again until the number is there.
    const joins = await Promise.all(
      buyers.map(async (buyer, i) => {
        let status = joined[i]!;
        while (status.position === undefined) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          status = await queue(buyer, eventId);
        }
        return status;
      }),
    );
    expect(new Set(joins.map((j) => j.position)).size).toBe(100);

    const outcomes = await Promise.all(
      buyers.map(async (buyer, i): Promise<'ticket' | 'sold out'> => {
        const deadline = Date.now() + 120_000;
        for (let status = joins[i]!; ; status = await queue(buyer, eventId)) {
          if (Date.now() > deadline) throw new Error(`stuck: ${JSON.stringify(status)}`);
          if (status.soldOut && status.state === 'WAITING') {
            await queue(buyer, eventId, 'DELETE');
            return 'sold out';
          }
          if (status.state === 'ADMITTED') {
            const created = await orderWith(buyer, eventId, status.admissionToken);
            if (created.status === 409) return 'sold out';
            expect(created.status).toBe(201);
            const orderId = created.body.order.orderId;
            await call(stack, 'POST', `/api/orders/${orderId}/payment`, {
              token: buyer.token,
              body: { code: '11111' },
            });
            const done = await pollOrder(stack, buyer, orderId, (o) => o.status !== 'HOLDING' && o.status !== 'PAYING');
            expect(done.status).toBe('CONFIRMED');
            return 'ticket';
          }
          await new Promise((resolve) => setTimeout(resolve, 150));
        }
      }),
    );

    expect(outcomes.filter((o) => o === 'ticket')).toHaveLength(20);
    expect(outcomes.filter((o) => o === 'sold out')).toHaveLength(80);
    const tickets = await call<{ ticketCount: number; tickets: { seatId: string }[] }>(
      stack,
      'GET',
      `/api/admin/events/${eventId}/tickets`,
      {
        adminKey: stack.adminKey,
      },
    );
    expect(tickets.body.ticketCount).toBe(20);
    expect(new Set(tickets.body.tickets.map((t) => t.seatId)).size).toBe(20);
    // Admission followed the line: nobody was admitted before someone ahead of them (but for a
    // join still being written when the line passed it, admitted first thereafter, and marked).
    const { Items = [] } = await stack.store.doc.send(
      new QueryCommand({
        TableName: stack.tables.buyers,
        KeyConditionExpression: 'eventId = :e',
        ExpressionAttributeValues: { ':e': eventId },
      }),
    );
    const inTurn = Items.filter((i) => typeof i.admittedAt === 'number' && i.passedOver !== true).sort(
      (a, b) => a.position - b.position,
    );
    expect(inTurn.length).toBeGreaterThanOrEqual(20);
    const times = inTurn.map((i) => i.admittedAt as number);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const passedOver = Items.filter((i) => i.passedOver === true);
    if (passedOver.length > 0)
      console.log(`[measure] ${passedOver.length} buyer(s) passed over while their join was being written`);
    const open = await call<{ orders: unknown[] }>(stack, 'GET', `/api/admin/events/${eventId}/orders?status=open`, {
      adminKey: stack.adminKey,
    });
    expect(open.body.orders).toEqual([]);
  });
});
