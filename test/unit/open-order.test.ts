import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventRecord } from '../../lambdas/core/events/event-records';
import { type OpenOrderDeps, openOrderWith } from '../../lambdas/core/orders/open-order';
import type { OrderRecord } from '../../lambdas/core/orders/order-record';
import type { OrderWorkflow } from '../../lambdas/core/orders/order-workflow';
import { AdmissionRequired, SeatsTaken, SoldOut, ValidationFailed } from '../../lambdas/core/platform/errors';
import { newOrder } from '../support/contracts/order-repository-contract';
import { FakeOpenOrderRepository } from '../support/fakes/fake-open-order-repository';
import { FakeOrderRepository } from '../support/fakes/fake-order-repository';

/** One open order per buyer and event: the rules of open-order.ts on in-memory fakes (no DynamoDB). */

const EVENT: EventRecord = {
  eventId: 'ev',
  name: 'Drop',
  rows: 5,
  seatsPerRow: 10,
  priceCents: 1000,
  currency: 'EUR',
  holdSeconds: 60,
  maxSeatsPerOrder: 4,
  status: 'ON_SALE',
  seatCount: 50,
  createdAt: 0,
};

const BUYER = { eventId: 'ev', buyerId: 'buyer-1' };

function setUp() {
  const clock = { now: 1_000_000 };
  const orders = new FakeOrderRepository(() => clock.now);
  const openOrders = new FakeOpenOrderRepository();
  const running = new Set<string>();
  const workflow: OrderWorkflow = {
    start: vi.fn(async ({ orderId }) => {
      running.add(orderId);
      return `arn:exec:${orderId}`;
    }),
    resume: vi.fn(async () => undefined),
    isRunning: vi.fn(async (orderId: string) => running.has(orderId)),
  };
  let ids = 0;
  const createOrder = vi.fn(async (request: { eventId: string; buyerId: string; orderId: string }) => {
    await tick();
    return orders
      .putNew(
        newOrder({
          ...request,
          holdExpiresAt: clock.now + 60_000,
        }),
      )
      .then(async (order) => {
        await workflow.start({ orderId: request.orderId, eventId: request.eventId, hold: { waitSeconds: 60 } });
        return order;
      });
  });
  const deps: OpenOrderDeps = {
    orders,
    openOrders,
    workflow,
    getEvent: async () => EVENT,
    createOrder,
    now: () => clock.now,
    sleep: async (ms) => {
      clock.now += ms;
      await tick();
    },
    newOrderId: () => `ord_${++ids}`,
  };
  return { clock, orders, openOrders, workflow, running, createOrder, deps };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('openOrder: one open order per buyer and event', () => {
  let t: ReturnType<typeof setUp>;
  beforeEach(() => {
    t = setUp();
  });
  const request = { ...BUYER, selection: { quantity: 2 } };

  it('a first request claims the pointer, then creates the order under the claimed id', async () => {
    const result = await openOrderWith(t.deps, request);
    expect(result.created).toBe(true);
    expect(await t.openOrders.pointer(BUYER)).toBe(result.order.orderId);
    expect(t.createOrder).toHaveBeenCalledOnce();
    expect(t.createOrder).toHaveBeenCalledWith(
      { ...BUYER, selection: { quantity: 2 }, orderId: 'ord_1' },
      // listed: the claim already put the order id on the buyer's item (the create adds no write).
      { event: EVENT, availability: undefined, newOrder: true, listed: true },
    );
  });

  it('a best-available request the summary cannot fill is SoldOut with seatsLeft, before any claim', async () => {
    const summary = { rows: [{ rowIndex: 0, free: ['A1'] }], freeCount: 1 };
    const soldOut = vi.fn(async () => undefined);
    const deps = { ...t.deps, availability: vi.fn(async () => summary) };
    const refusal = await openOrderWith(deps, { ...request, soldOut }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(SoldOut);
    expect(refusal).toMatchObject({ requested: 2, available: 1 });
    expect(soldOut).toHaveBeenCalledWith(EVENT, refusal);
    expect(await t.openOrders.pointer(BUYER)).toBeUndefined();
    expect(t.createOrder).not.toHaveBeenCalled();
    // Enough left: the summary read once is handed to the create (no second read).
    const fits = await openOrderWith(deps, { ...request, selection: { quantity: 1 } });
    expect(fits.created).toBe(true);
    expect(t.createOrder).toHaveBeenCalledWith(expect.anything(), {
      event: EVENT,
      availability: summary,
      newOrder: true,
      listed: true,
    });
    expect(deps.availability).toHaveBeenCalledTimes(2);
  });

  it('while the order is open (held, unexpired, or paying), a repeat answers with it and creates nothing', async () => {
    const first = await openOrderWith(t.deps, request);
    const again = await openOrderWith(t.deps, request);
    expect(again).toEqual({ order: first.order, created: false });
    await t.orders.update(first.order.orderId, { set: { status: 'PAYING' }, from: ['HOLDING'] });
    t.clock.now += 10 * 60_000; // a payment runs past the hold: still open
    expect((await openOrderWith(t.deps, request)).created).toBe(false);
    expect(t.createOrder).toHaveBeenCalledOnce();
  });

  it.each([
    ['ended', (o: OrderRecord) => ({ set: { status: 'EXPIRED' }, from: [o.status] })],
    ['whose hold lapsed', (o: OrderRecord) => ({ set: { holdExpiresAt: 0 }, from: [o.status] })],
  ] as const)('an order %s is replaced: a new order, the pointer taken over', async (_, change) => {
    const first = await openOrderWith(t.deps, request);
    await t.orders.update(first.order.orderId, change(first.order));
    const second = await openOrderWith(t.deps, request);
    expect(second.created).toBe(true);
    expect(second.order.orderId).not.toBe(first.order.orderId);
    expect(await t.openOrders.pointer(BUYER)).toBe(second.order.orderId);
  });

  it('bad input is refused before any write, even with an open order', async () => {
    await expect(openOrderWith(t.deps, { ...BUYER, selection: { quantity: 9 } })).rejects.toBeInstanceOf(
      ValidationFailed,
    );
    expect(await t.openOrders.pointer(BUYER)).toBeUndefined();
    await openOrderWith(t.deps, request);
    await expect(openOrderWith(t.deps, { ...BUYER, selection: { seatIds: ['A1', 'A1'] } })).rejects.toBeInstanceOf(
      ValidationFailed,
    );
  });

  it('a create that fails (seats taken) releases the claim and undoes the admission with the reason', async () => {
    const refusal = new SeatsTaken(['A1']);
    t.createOrder.mockRejectedValueOnce(refusal);
    const undo = vi.fn(async () => undefined);
    const admit = vi.fn(async () => undo);
    await expect(openOrderWith(t.deps, { ...request, admit })).rejects.toBe(refusal);
    expect(admit).toHaveBeenCalledWith(EVENT, 'ord_1');
    expect(undo).toHaveBeenCalledWith(refusal);
    expect(await t.openOrders.pointer(BUYER)).toBeUndefined();
    expect((await openOrderWith(t.deps, request)).created).toBe(true); // the buyer may try again
  });

  it('a refused admission creates nothing and leaves no claim', async () => {
    const admit = vi.fn(async () => {
      throw new AdmissionRequired();
    });
    await expect(openOrderWith(t.deps, { ...request, admit })).rejects.toBeInstanceOf(AdmissionRequired);
    expect(t.createOrder).not.toHaveBeenCalled();
    expect(await t.openOrders.pointer(BUYER)).toBeUndefined();
  });

  it('concurrent requests of one buyer make one order, and every request answers with it', async () => {
    const results = await Promise.all(Array.from({ length: 5 }, () => openOrderWith(t.deps, request)));
    expect(t.createOrder).toHaveBeenCalledOnce();
    expect(new Set(results.map((r) => r.order.orderId)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
  });

  it('a waiter whose rival’s create fails tries for itself', async () => {
    t.createOrder.mockImplementationOnce(async () => {
      await tick();
      await tick();
      throw new SeatsTaken(['A1']);
    });
    const [first, second] = await Promise.allSettled([openOrderWith(t.deps, request), openOrderWith(t.deps, request)]);
    expect(first.status === 'rejected' || second.status === 'rejected').toBe(true);
    const won = [first, second].find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ created: boolean }>;
    expect(won.value.created).toBe(true);
    expect(t.createOrder).toHaveBeenCalledTimes(2);
  });

  it('a claim whose order never appears (its request died) is taken over after the wait', async () => {
    await t.openOrders.claim(BUYER, 'ord_dead', undefined, t.clock.now);
    const started = t.clock.now;
    const result = await openOrderWith(t.deps, request);
    expect(result.created).toBe(true);
    expect(t.clock.now - started).toBeGreaterThanOrEqual(8000);
    expect(await t.openOrders.pointer(BUYER)).toBe(result.order.orderId);
  });

  it('an open order whose flow is not running gets it started under its id (nothing written on the order)', async () => {
    await t.orders.putNew(newOrder({ ...BUYER, orderId: 'ord_orphan', holdExpiresAt: t.clock.now + 30_000 }));
    await t.openOrders.claim(BUYER, 'ord_orphan', undefined, t.clock.now);
    const result = await openOrderWith(t.deps, request);
    expect(result.created).toBe(false);
    expect(t.workflow.start).toHaveBeenCalledWith({
      orderId: 'ord_orphan',
      eventId: 'ev',
      hold: { waitSeconds: 30 },
    });
    expect(t.running.has('ord_orphan')).toBe(true);
    expect((await t.orders.get('ord_orphan')).version).toBe(result.order.version);
  });

  it('a flow that cannot be checked or started still answers with the open order', async () => {
    const first = await openOrderWith(t.deps, request);
    vi.mocked(t.workflow.isRunning).mockRejectedValueOnce(new Error('throttled'));
    expect(await openOrderWith(t.deps, request)).toEqual({ order: first.order, created: false });
  });

  it('gives up with OrderStateConflict when the pointer keeps moving under it', async () => {
    t.openOrders.beforeClaim = (buyer) => {
      // A rival request claims first, every time.
      t.openOrders.pointers.set(`${buyer.eventId}\u0000${buyer.buyerId}`, { openOrderId: 'ord_rival', claimedAt: 0 });
    };
    vi.spyOn(t.openOrders, 'pointer').mockResolvedValue(undefined);
    await expect(openOrderWith(t.deps, request)).rejects.toMatchObject({ code: 'OrderStateConflict' });
    expect(t.createOrder).not.toHaveBeenCalled();
  });
});
