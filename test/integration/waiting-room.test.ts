import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEvent } from '../../lambdas/core/events/create-event';
import type { EventRecord } from '../../lambdas/core/events/event-records';
import { AdmissionRequired } from '../../lambdas/core/platform/errors';
import { createStore, type Store } from '../../lambdas/core/platform/store';
import { releaseSlot } from '../../lambdas/core/waiting-room/admission';
import { signAdmission } from '../../lambdas/core/waiting-room/admission-token';
import { operatorWaitingRoomStatus } from '../../lambdas/core/waiting-room/operator-status';
import { readWaitingRoomState } from '../../lambdas/core/waiting-room/room-state';
import {
  admitOrder,
  type BuyerWaitingRoomStatus,
  buyerWaitingRoomStatus,
  joinWaitingRoom,
} from '../../lambdas/core/waiting-room/waiting-room-service';
import { waitingRoomRepository } from '../../lambdas/core/waiting-room/waiting-room-store';
import { useTestTables } from '../support/local-dynamo';

/** The waiting room on DynamoDB Local with the real SDK; time moves by hand. */
describe('the waiting room', () => {
  const KEY = 'waiting-room-test-signing-key-0123456789abcdef';
  let store: Store;
  let clock = Date.parse('2026-11-23T12:00:00Z');
  let seq = 0;

  beforeAll(async () => {
    const { client, tables } = await useTestTables();
    store = createStore(client, tables, { now: () => clock });
  });

  async function newEvent(
    room: { maxActivePurchasers?: number; admissionSeconds?: number } = {},
  ): Promise<EventRecord> {
    seq += 1;
    return createEvent(store, {
      eventId: `queue-${seq}`,
      name: 'Queue',
      rows: 2,
      seatsPerRow: 5,
      priceCents: 1000,
      holdSeconds: 60,
      waitingRoom: { enabled: true, ...room },
    });
  }

  const buyers = (n: number, prefix = 'b') =>
    Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`);

  it('500 concurrent joins get positions 1..500, each once; joining again keeps the first position', async () => {
    const event = await newEvent({ maxActivePurchasers: 10 });
    const ids = buyers(500);
    let joined = await Promise.all(ids.map((id) => joinWaitingRoom(store, event, id, KEY)));
    // A join answered before the writer numbered it ("taking your place") reads its status again, as the page does.
    for (let round = 0; round < 5 && joined.some((s) => s.position === undefined); round++)
      joined = await Promise.all(
        joined.map((s, i) => (s.position === undefined ? buyerWaitingRoomStatus(store, event, ids[i]!, KEY) : s)),
      );
    const positions = joined.map((s) => s.position!).sort((a, b) => a - b);
    expect(positions).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));

    // Refresh, retry, second tab: sequentially and concurrently, always the same place.
    const again = await Promise.all(
      ids
        .slice(0, 50)
        .flatMap((id) => [joinWaitingRoom(store, event, id, KEY), buyerWaitingRoomStatus(store, event, id, KEY)]),
    );
    for (let i = 0; i < 50; i++) {
      expect(again[2 * i]!.position).toBe(joined[i]!.position);
      expect(again[2 * i + 1]!.position).toBe(joined[i]!.position);
    }
  });

  it('a buyer joining twice at the same instant ends with one position', async () => {
    const event = await newEvent();
    const ids = buyers(40, 'twice');
    const answers = await Promise.all(
      ids.flatMap((id) => [joinWaitingRoom(store, event, id, KEY), joinWaitingRoom(store, event, id, KEY)]),
    );
    // A join answered before its number was written reads its status again (as the page does).
    const results = await Promise.all(
      answers.map((s, k) => (s.position === undefined ? buyerWaitingRoomStatus(store, event, ids[k >> 1]!, KEY) : s)),
    );
    for (let i = 0; i < ids.length; i++) expect(results[2 * i]!.position).toBe(results[2 * i + 1]!.position);
    const distinct = new Set(ids.map((_id, i) => results[2 * i]!.position));
    expect(distinct.size).toBe(ids.length);
  });

  it('400 concurrent joins (each twice) are numbered by the batch writer through the byArrival index: 1..400, each once, nothing left un-numbered', async () => {
    const event = await newEvent();
    const ids = buyers(400, 'batch');
    await Promise.all(ids.flatMap((id) => [1, 2].map(() => joinWaitingRoom(store, event, id, KEY))));
    // A join not numbered by the time it answered (WAITING without a position) is on its next read.
    const statuses = await Promise.all(ids.map((id) => buyerWaitingRoomStatus(store, event, id, KEY)));
    expect(statuses.map((s) => s.position!).sort((a, b) => a - b)).toEqual(ids.map((_, i) => i + 1));
    const room = await readWaitingRoomState(store, event.eventId);
    expect(room.issued).toBe(400);
    expect(room.numbering).toBeUndefined();
    expect(await waitingRoomRepository(store).arrivals(event.eventId, 10)).toEqual([]);
  });

  it('admits in join order, never more than the slot limit, and frees slots on order end and admission timeout', async () => {
    const event = await newEvent({ maxActivePurchasers: 3, admissionSeconds: 60 });
    const ids = buyers(10, 'fifo');
    for (const id of ids) await joinWaitingRoom(store, event, id, KEY); // join order = ids order
    const admittedOrder: string[] = [];
    const refresh = async (): Promise<BuyerWaitingRoomStatus[]> => {
      const statuses = await Promise.all(ids.map((id) => buyerWaitingRoomStatus(store, event, id, KEY)));
      const state = await readWaitingRoomState(store, event.eventId);
      expect(Object.keys(state.active).length).toBeLessThanOrEqual(3);
      for (const id of Object.keys(state.active).sort()) if (!admittedOrder.includes(id)) admittedOrder.push(id);
      return statuses;
    };

    let statuses = await refresh();
    expect(statuses.filter((s) => s.state === 'ADMITTED').map((s) => s.position)).toEqual([1, 2, 3]);
    expect(statuses[3]).toMatchObject({ state: 'WAITING', peopleAhead: 0 });
    expect(statuses[9]).toMatchObject({ state: 'WAITING', peopleAhead: 6 });
    expect(statuses[9]!.estimatedWaitSeconds).toBeGreaterThan(0);

    // fifo0000 orders and the order ends (any ending: the orders stream calls releaseSlot).
    await admitOrder(
      store,
      event,
      { buyerId: ids[0]!, orderId: 'ord-fifo-0', admissionToken: statuses[0]!.admissionToken },
      KEY,
    );
    expect((await buyerWaitingRoomStatus(store, event, ids[0]!, KEY)).state).toBe('PURCHASING');
    await releaseSlot(store, event.eventId, event.waitingRoom!, { buyerId: ids[0]!, orderId: 'ord-fifo-0' });
    statuses = await refresh();
    expect(statuses[0]!.state).toBe('DONE');
    expect(statuses.filter((s) => s.state === 'ADMITTED').map((s) => s.position)).toEqual([2, 3, 4]);

    // Nobody starts an order within the admission window: all three slots lapse and move on.
    clock += 61_000;
    statuses = await refresh();
    expect(statuses.filter((s) => s.state === 'ADMITTED').map((s) => s.position)).toEqual([5, 6, 7]);
    clock += 61_000;
    statuses = await refresh();
    expect(statuses.filter((s) => s.state === 'ADMITTED').map((s) => s.position)).toEqual([8, 9, 10]);
    expect(admittedOrder).toEqual(ids); // admission order = join order
    expect(await operatorWaitingRoomStatus(store, event)).toMatchObject({
      activePurchasers: 3,
      waitingCount: 0,
      servingPosition: 10,
      admittedCount: 10,
    });

    clock += 61_000;
    statuses = await refresh();
    expect(statuses.every((s) => s.state === 'DONE')).toBe(true);
    expect(await operatorWaitingRoomStatus(store, event)).toMatchObject({ activePurchasers: 0, waitingCount: 0 });
  });

  it('an order slot whose order ended without a release is reclaimed once its deadline passes', async () => {
    // The binding is on the buyer's place: the writer looks at the slot once its admission window
    // passed, then at the order once the order's safety deadline (hold + 60 s) passed.
    const event = await newEvent({ maxActivePurchasers: 1, admissionSeconds: 30 });
    const [first, second] = buyers(2, 'lost');
    const status = await joinWaitingRoom(store, event, first!, KEY);
    await joinWaitingRoom(store, event, second!, KEY);
    await admitOrder(
      store,
      event,
      { buyerId: first!, orderId: 'ord-lost', admissionToken: status.admissionToken },
      KEY,
    );
    await store.doc.send(
      new PutCommand({ TableName: store.tables.orders, Item: { orderId: 'ord-lost', status: 'EXPIRED' } }),
    );
    expect((await buyerWaitingRoomStatus(store, event, second!, KEY)).state).toBe('WAITING');
    clock += (event.holdSeconds + 61) * 1000;
    expect((await buyerWaitingRoomStatus(store, event, second!, KEY)).state).toBe('ADMITTED');
  });

  it("refuses an order without, with a forged, another buyer's, another event's or a lapsed admission", async () => {
    const event = await newEvent({ maxActivePurchasers: 1, admissionSeconds: 30 });
    const other = await createEvent(store, {
      eventId: `no-room-${seq}`,
      name: 'No queue',
      rows: 1,
      seatsPerRow: 2,
      priceCents: 100,
    });
    const [admitted, waiting] = buyers(2, 'gate');
    const status = await joinWaitingRoom(store, event, admitted!, KEY);
    await joinWaitingRoom(store, event, waiting!, KEY);
    const token = status.admissionToken!;
    const attempt = (buyerId: string, admissionToken: string | undefined, on = event) =>
      admitOrder(store, on, { buyerId, orderId: `ord-${buyerId}`, admissionToken }, KEY);

    await expect(attempt(waiting!, undefined)).rejects.toBeInstanceOf(AdmissionRequired);
    await expect(attempt(waiting!, token)).rejects.toBeInstanceOf(AdmissionRequired); // someone else's token
    const forged = await signAdmission('another-key-that-is-long-enough-0123456789', {
      buyerId: waiting!,
      eventId: event.eventId,
      position: 2,
      expiresAt: clock + 60_000,
    });
    await expect(attempt(waiting!, forged)).rejects.toBeInstanceOf(AdmissionRequired);
    const selfSigned = await signAdmission(KEY, {
      buyerId: waiting!,
      eventId: event.eventId,
      position: 2,
      expiresAt: clock + 60_000,
    });
    await expect(attempt(waiting!, selfSigned)).rejects.toBeInstanceOf(AdmissionRequired); // signed, but no slot: no line-skipping
    await expect(attempt(admitted!, token, other)).resolves.toBeTypeOf('function'); // `other` has no room: not gated
    const otherRoom = await newEvent();
    await expect(attempt(admitted!, token, otherRoom)).rejects.toBeInstanceOf(AdmissionRequired);

    clock += 31_000;
    await expect(attempt(admitted!, token)).rejects.toBeInstanceOf(AdmissionRequired);
  });

  it('a buyer whose admission was used joins again at the back of the line', async () => {
    const event = await newEvent({ maxActivePurchasers: 1, admissionSeconds: 20 });
    const [early, late] = buyers(2, 'again');
    expect((await joinWaitingRoom(store, event, early!, KEY)).position).toBe(1);
    expect((await joinWaitingRoom(store, event, late!, KEY)).position).toBe(2);
    clock += 21_000; // early let the admission lapse; late is admitted
    expect((await buyerWaitingRoomStatus(store, event, late!, KEY)).state).toBe('ADMITTED');
    expect((await buyerWaitingRoomStatus(store, event, early!, KEY)).state).toBe('DONE');
    const rejoined = await joinWaitingRoom(store, event, early!, KEY);
    expect(rejoined).toMatchObject({ state: 'WAITING', position: 3 });
  });
});
