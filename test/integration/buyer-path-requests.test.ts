import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEvent } from '../../lambdas/core/events/create-event';
import { openOrder } from '../../lambdas/core/orders/open-order';
import type { OrderWorkflow } from '../../lambdas/core/orders/order-workflow';
import { actOnOwnOrder } from '../../lambdas/core/orders/own-order';
import { awaitBuyer } from '../../lambdas/core/orders/steps/hold-steps';
import { SoldOut } from '../../lambdas/core/platform/errors';
import { createStore, type Store } from '../../lambdas/core/platform/store';
import { applyAvailabilityChanges } from '../../lambdas/core/seats/availability';
import { recentTakesOf } from '../../lambdas/core/seats/recent-takes';
import { seatIdsOf } from '../../lambdas/core/seats/seat-ids';
import { eventually } from '../support/eventually';
import { useTestTables } from '../support/local-dynamo';

/**
 * Issue #13: what the buyer's path costs in DynamoDB requests when many buyers ask one container
 * at once, counted at the SDK on DynamoDB Local — the event and the summary read once for a crowd
 * of losers, the container's own picks never racing each other for a seat, a loser past a lagging
 * summary told `SoldOut` without a claim or a seat write, and a pay request reading its order once.
 *
 * No stream consumer runs here, so the availability summary stays as it was seeded or set: the
 * lag a drop's first seconds have, at its longest. The store's clock stands still (moved by hand),
 * so nothing kept for a second or a few lapses while a test runs, however busy the machine.
 */
describe('buyer-path requests (one container, many buyers)', () => {
  let plain: Store;
  let requests: { op: string; refused: boolean }[];
  const clock = Date.now();
  let seq = 0;
  const workflow: OrderWorkflow = {
    start: async (input) => `arn:test:execution:${input.orderId}`,
    resume: async () => undefined,
    isRunning: async () => true,
  };

  beforeAll(async () => {
    const { client, tables } = await useTestTables();
    // random 0: every pick would take the best seat of its band — the worst case for a crowd.
    plain = createStore(client, tables, { now: () => clock, random: () => 0 });
    requests = [];
    const tableIds = new Map(Object.entries(tables).map(([id, name]) => [name, id]));
    const doc = new Proxy(plain.doc, {
      get(target, property, receiver) {
        if (property !== 'send') return Reflect.get(target, property, receiver);
        return async (command: { constructor: { name: string }; input: { TableName?: string } }) => {
          const op = `${command.constructor.name.replace(/Command$/, '')} ${tableIds.get(command.input.TableName ?? '') ?? 'batch'}`;
          try {
            const answer = await target.send(command as Parameters<DynamoDBDocumentClient['send']>[0]);
            requests.push({ op, refused: false });
            return answer;
          } catch (error) {
            requests.push({ op, refused: (error as Error).name === 'ConditionalCheckFailedException' });
            throw error;
          }
        };
      },
    });
    plain = { ...plain, doc };
  });

  /** A fresh container: its own store object, so nothing kept (event, summary, seats taken); same tables and counter. */
  const container = (): Store => ({ ...plain });
  const count = (op: string) => requests.filter((r) => r.op === op).length;
  const refused = (op: string) => requests.filter((r) => r.op === op && r.refused).length;
  async function newEvent(rows: number, seatsPerRow: number): Promise<string> {
    seq += 1;
    const eventId = `buyer-path-${seq}`;
    await createEvent(plain, { eventId, name: 'Buyer path', rows, seatsPerRow, priceCents: 1000 });
    return eventId;
  }
  const buy = (store: Store, eventId: string, buyer: string) =>
    openOrder(store, workflow, { eventId, buyerId: buyer, selection: { quantity: 1 } });

  it('200 losers at once on a sold-out event: one event read and one summary read between them', async () => {
    const eventId = await newEvent(1, 4);
    // The summary says every seat is taken (as the seats stream leaves it once they are held).
    await applyAvailabilityChanges(plain, [{ eventId, rowIndex: 0, free: [], taken: seatIdsOf(1, 4) }]);
    const store = container();
    requests.length = 0;
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => buy(store, eventId, `loser-${i}`).catch((e: unknown) => e)),
    );
    expect(answers.every((a) => a instanceof SoldOut && a.available === 0)).toBe(true);
    // Before: 200 + 200 (every request read both; the sold-out memo only served those after the first answer).
    expect(count('Get events')).toBe(1);
    expect(count('Query buyers')).toBe(1);
    expect(requests).toHaveLength(2); // no pointer claim, no seat write
  });

  it("a container's concurrent picks never race each other: 20 buyers, 20 seats, 20 seat writes, none refused", async () => {
    const eventId = await newEvent(1, 20);
    const store = container();
    requests.length = 0;
    const orders = await Promise.all(Array.from({ length: 20 }, (_, i) => buy(store, eventId, `buyer-${i}`)));
    const seats = orders.flatMap(({ order }) => order.seatIds);
    expect(new Set(seats).size).toBe(20);
    // Before: every pick of the crowd took the same best seat; 19 refused per round (and some
    // buyers ran out of their 8 picks): > 100 seat writes.
    expect(count('Update seats')).toBe(20);
    expect(refused('Update seats')).toBe(0);

    // The 21st buyer, while the summary still lists all 20 seats free: SoldOut from the two reads
    // this container already has — no pointer claimed and released, no seat write refused.
    requests.length = 0;
    const late = await buy(store, eventId, 'buyer-late').catch((e: unknown) => e);
    expect(late).toBeInstanceOf(SoldOut);
    expect(late).toMatchObject({ available: 0 });
    expect(requests).toEqual([]); // before: Update buyers ×2 (claim, release) and refused seat writes
  });

  it('a buyer whose only seats left are being held by the container’s other requests: SoldOut, no claim', async () => {
    const eventId = await newEvent(1, 2);
    const store = container();
    // Two holds of this container are on the wire for the last two seats (the summary lists both).
    recentTakesOf(store).taking(eventId, seatIdsOf(1, 2));
    requests.length = 0;
    const told: SoldOut[] = [];
    const late = await openOrder(store, workflow, {
      eventId,
      buyerId: 'while-held',
      selection: { quantity: 1 },
      soldOut: async (_event, refusal) => void told.push(refusal),
    }).catch((e: unknown) => e);
    expect(late).toMatchObject({ code: 'SoldOut', available: 0 });
    expect(count('Update buyers')).toBe(0); // before: the pointer claimed and released for nothing
    expect(count('Update seats')).toBe(0);
    // Not the waiting room's sold-out: those holds may still fail and free their seats.
    expect(told).toEqual([]);
  });

  it('the same on two containers: each one’s picks leave out only the seats it knows taken', async () => {
    const eventId = await newEvent(1, 20);
    const [a, b] = [container(), container()];
    const first = await buy(a, eventId, 'first');
    requests.length = 0;
    // Container b knows nothing of a's hold: its summary lists the seat, its pick (random 0) takes
    // it, the seat's conditional write refuses, and b re-picks: the seat lock decides, as before.
    const second = await buy(b, eventId, 'second');
    expect(second.order.seatIds).not.toEqual(first.order.seatIds);
    expect(refused('Update seats')).toBe(1);
    // And b remembers the refusal: its next buyer does not try that seat again.
    requests.length = 0;
    await buy(b, eventId, 'third');
    expect(refused('Update seats')).toBe(0);
  });

  it('a pay request reads its order once', async () => {
    const eventId = await newEvent(1, 4);
    const store = container();
    const { order } = await buy(store, eventId, 'payer');
    await awaitBuyer(store, { orderId: order.orderId, taskToken: 'token-pay' });
    requests.length = 0;
    const paying = await actOnOwnOrder(store, workflow, {
      orderId: order.orderId,
      buyerId: 'payer',
      action: { action: 'pay', code: '11111' },
    });
    expect(paying.status).toBe('PAYING');
    expect(count('Get orders')).toBe(1); // before: 2 (the buyer's check, then the look for the flow's token)
    expect(count('Update orders')).toBe(1);
  });

  it('a pay request that comes before the flow put its token on the order still waits for it', async () => {
    const eventId = await newEvent(1, 4);
    const store = container();
    const { order } = await buy(store, eventId, 'early-payer');
    requests.length = 0;
    const paying = actOnOwnOrder(store, workflow, {
      orderId: order.orderId,
      buyerId: 'early-payer',
      action: { action: 'pay', code: '11111' },
    });
    // The token goes on only after the request's first look at the order has found none.
    await eventually(async () => expect(count('Get orders')).toBeGreaterThanOrEqual(1));
    await awaitBuyer(store, { orderId: order.orderId, taskToken: 'token-late' });
    expect((await paying).status).toBe('PAYING');
    expect(count('Get orders')).toBeGreaterThanOrEqual(2); // the first look found no token: it looked again
  });
});
