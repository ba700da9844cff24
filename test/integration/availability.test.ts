import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderView } from '../../contract/order-view';
import { SEAT_AVAILABILITY } from '../../contract/stream-consumers';
import { createEvent } from '../../lambdas/core/events/create-event';
import { createStore, type Store } from '../../lambdas/core/platform/store';
import { readAvailability } from '../../lambdas/core/seats/availability';
import { holdForOrder } from '../../lambdas/core/seats/order-holds';
import { releaseSeats } from '../../lambdas/core/seats/seat-locks';
import { readSeats } from '../../lambdas/core/seats/seat-map';
import type { BuyerWaitingRoomStatus } from '../../lambdas/core/waiting-room/waiting-room-service';
import { createHandler } from '../../lambdas/seats/availability-summary';
import type { LocalStack } from '../../local/local-stack';
import { localDynamoClientConfig } from '../../local/local-tables';
import { type StreamFeed, startStreamFeed } from '../../local/stream-feed';
import { adminCreateEvent, type Buyer, call, newBuyer, pollOrder, startApiStack } from '../support/api-client';
import { eventually } from '../support/eventually';
import { testDynamoEndpoint, useTestTables } from '../support/local-dynamo';

/** The free seats the summary lists, against a consistent read of the seats themselves. */
async function summaryMatchesSeats(store: Store, eventId: string): Promise<string[]> {
  const summary = await readAvailability(store, eventId);
  const listed = (summary?.rows ?? []).flatMap((r) => r.free).sort();
  const seats = await readSeats(store, eventId, { consistent: true });
  const free = seats
    .filter((s) => s.status === 'AVAILABLE')
    .map((s) => s.seatId)
    .sort();
  if (JSON.stringify(listed) !== JSON.stringify(free)) {
    throw new Error(`summary ${listed.length} free, seats ${free.length} free`);
  }
  expect(summary?.freeCount).toBe(free.length);
  return free;
}

describe('the availability summary on DynamoDB Local, fed by the seats stream', () => {
  let store: Store;
  let feed: StreamFeed;
  let replays = 0;

  beforeAll(async () => {
    const { client, tables } = await useTestTables();
    store = createStore(client, tables);
    const config = localDynamoClientConfig(testDynamoEndpoint());
    const handler = createHandler({ store });
    feed = await startStreamFeed({
      dynamo: client,
      streams: new DynamoDBStreamsClient(config),
      tableNames: [tables.seats],
      // Every other batch is delivered twice, as Lambda does when an invocation fails after writing.
      handler: async (event: DynamoDBStreamEvent) => {
        await handler(event);
        replays += 1;
        if (replays % 2 === 0) await handler(event);
      },
      region: String(config.region),
      consumer: 'test-availability',
      settings: SEAT_AVAILABILITY.eventSource,
      idleMillis: 20,
    });
  });

  afterAll(async () => {
    await feed?.stop();
  });

  it('is seeded with every seat free, and stays equal to the seats under concurrent holds and releases', async () => {
    const event = await createEvent(store, {
      eventId: 'avail-concurrent',
      name: 'Availability',
      rows: 4,
      seatsPerRow: 10,
      priceCents: 100,
    });
    const seeded = await readAvailability(store, event.eventId);
    expect(seeded?.freeCount).toBe(40);
    expect(seeded?.rows.map((r) => r.free.length)).toEqual([10, 10, 10, 10]);

    // 120 buyers (one or two seats each) race, and half the winners give their seats back meanwhile.
    const outcomes = await Promise.allSettled(
      Array.from({ length: 120 }, async (_, i) => {
        const hold = await holdForOrder(store, event, `ord-${i}`, { quantity: 1 + (i % 2) }, { newOrder: true });
        if (i % 2 === 0)
          await releaseSeats(store, { eventId: event.eventId, orderId: hold.orderId, seatIds: hold.seatIds });
        return hold;
      }),
    );
    const held = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    const kept = held.filter((h) => Number(h.orderId.slice(4)) % 2 === 1).flatMap((h) => h.seatIds);
    expect(new Set(kept).size).toBe(kept.length); // no seat twice
    const free = await eventually(() => summaryMatchesSeats(store, event.eventId), { intervalMs: 100 });
    expect(free.length).toBe(40 - kept.length);
    expect(replays).toBeGreaterThan(1); // batches were replayed, and the summary is still exact
  });

  it('best available holds from the summary and learns SoldOut with how many are left', async () => {
    const event = await createEvent(store, {
      eventId: 'avail-soldout',
      name: 'Availability',
      rows: 1,
      seatsPerRow: 5,
      priceCents: 100,
      maxSeatsPerOrder: 4,
    });
    await holdForOrder(store, event, 'ord-a', { quantity: 3 }, { newOrder: true });
    await eventually(async () => expect((await readAvailability(store, event.eventId))?.freeCount).toBe(2), {
      intervalMs: 50,
    });
    await expect(holdForOrder(store, event, 'ord-b', { quantity: 3 }, { newOrder: true })).rejects.toMatchObject({
      code: 'SoldOut',
      available: 2,
    });
    const two = await holdForOrder(store, event, 'ord-c', { quantity: 2 }, { newOrder: true });
    expect(two.seatIds).toHaveLength(2);
    await eventually(() => summaryMatchesSeats(store, event.eventId), { intervalMs: 50 });
  });
});

/**
 * Issue #12, through the API: one request for more seats than are free must not stop the line.
 * Before the fix B's refusal marked the queue sold out and only an unsold ending cleared it, so
 * after A confirmed, C waited for ever with 2 seats free.
 */
describe('sold out follows the actual count (issue #12)', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await startApiStack({ PAYMENT_ROUNDS: '1', PAYMENT_LATENCY_MS: '50' });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const queue = async (buyer: Buyer, eventId: string, method: 'POST' | 'GET' = 'GET') => {
    const r = await call<{ queue: BuyerWaitingRoomStatus }>(stack, method, `/api/events/${eventId}/queue`, {
      token: buyer.token,
    });
    if (r.status !== 200) throw new Error(`${method} queue answered ${r.status}: ${r.text}`);
    return r.body.queue;
  };
  const order = (buyer: Buyer, eventId: string, quantity: number, admissionToken: string | undefined) =>
    call<{ order: OrderView; error?: { code: string; seatsLeft?: number } }>(
      stack,
      'POST',
      `/api/events/${eventId}/orders`,
      {
        token: buyer.token,
        body: { quantity },
        headers: admissionToken ? { 'x-admission-token': admissionToken } : {},
      },
    );
  const admitted = (buyer: Buyer, eventId: string) =>
    eventually(
      async () => {
        const status = await queue(buyer, eventId);
        if (status.state !== 'ADMITTED') throw new Error(`not admitted: ${JSON.stringify(status)}`);
        return status;
      },
      { intervalMs: 100 },
    );

  it('5 seats, A holds 3, B asks for 3 → told 2 left; A confirms; C is still admitted and buys the 2', async () => {
    const eventId = await adminCreateEvent(stack, {
      eventId: 'issue-12-sold-out',
      name: 'Issue 12',
      rows: 1,
      seatsPerRow: 5,
      priceCents: 1000,
      maxSeatsPerOrder: 3,
      waitingRoom: { enabled: true, maxActivePurchasers: 2 },
    });
    const [a, b, c] = await Promise.all([newBuyer(stack), newBuyer(stack), newBuyer(stack)]);
    for (const buyer of [a!, b!, c!]) await queue(buyer, eventId, 'POST');
    const aTurn = await admitted(a!, eventId);
    const bTurn = await admitted(b!, eventId);
    expect((await queue(c!, eventId)).state).toBe('WAITING');

    const aOrder = await order(a!, eventId, 3, aTurn.admissionToken);
    expect(aOrder.status).toBe(201);
    await eventually(async () => expect((await readAvailability(stack.store, eventId))?.freeCount).toBe(2), {
      intervalMs: 50,
    });
    const refused = await order(b!, eventId, 3, bTurn.admissionToken);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'SoldOut', seatsLeft: 2 });

    await call(stack, 'POST', `/api/orders/${aOrder.body.order.orderId}/payment`, {
      token: a!.token,
      body: { code: '11111' },
    });
    await pollOrder(stack, a!, aOrder.body.order.orderId, (o) => o.status === 'CONFIRMED');
    const cTurn = await admitted(c!, eventId);
    const cOrder = await order(c!, eventId, 2, cTurn.admissionToken);
    expect(cOrder.status).toBe(201);
    expect(cOrder.body.order.seatIds).toHaveLength(2);
  });
});
