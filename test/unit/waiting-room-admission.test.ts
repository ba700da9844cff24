import { describe, expect, it } from 'vitest';
import { AdmissionRequired, SeatsTaken, SoldOut } from '../../lambdas/core/platform/errors';
import {
  endAdmissionSoldOut,
  giveUpPlace,
  recheckSoldOut,
  releaseSlot,
} from '../../lambdas/core/waiting-room/admission';
import { signAdmission } from '../../lambdas/core/waiting-room/admission-token';
import { advanceWaitingRoom } from '../../lambdas/core/waiting-room/advance';
import { operatorWaitingRoomStatus } from '../../lambdas/core/waiting-room/operator-status';
import type { WaitingRoomSettings } from '../../lambdas/core/waiting-room/settings';
import {
  admitOrder,
  buyerWaitingRoomStatus,
  joinWaitingRoom,
  leaveWaitingRoom,
} from '../../lambdas/core/waiting-room/waiting-room-service';
import { newOrder } from '../support/contracts/order-repository-contract';
import { fakeWaitingRoomDeps, roomEvent } from '../support/waiting-room-fixture';

/** The waiting room's rules (positions, admission in order, slots, optimistic retries) on fakes. */

const KEY = 'unit-waiting-room-signing-key-0123456789abcdef';

function setUp(room: Partial<WaitingRoomSettings> = {}) {
  const clock = { now: Date.parse('2026-11-23T12:00:00Z') };
  const { deps, repo, orders } = fakeWaitingRoomDeps(clock);
  const event = roomEvent(room);
  return { clock, repo, orders, deps, event, settings: event.waitingRoom };
}

const join = (t: ReturnType<typeof setUp>, buyerId: string) => joinWaitingRoom(t.deps, t.event, buyerId, KEY);
const status = (t: ReturnType<typeof setUp>, buyerId: string) => buyerWaitingRoomStatus(t.deps, t.event, buyerId, KEY);

async function startOrder(t: ReturnType<typeof setUp>, buyerId: string, orderId = `ord-${buyerId}`) {
  const { admissionToken } = await status(t, buyerId);
  return admitOrder(t.deps, t.event, { buyerId, orderId, admissionToken }, KEY);
}

describe('waiting room: places', () => {
  it('joins get positions 1, 2, 3… in order; joining again keeps the first position', async () => {
    const t = setUp();
    const positions = [];
    for (const id of ['a', 'b', 'c', 'd']) positions.push((await join(t, id)).position);
    expect(positions).toEqual([1, 2, 3, 4]);
    expect((await join(t, 'c')).position).toBe(3);
  });

  it('concurrent joins of one buyer give one place and take one number', async () => {
    const t = setUp();
    const joins = await Promise.all([1, 2, 3].map(() => join(t, 'a')));
    expect(new Set(joins.map((j) => j.position))).toEqual(new Set([1]));
    expect((await t.repo.readState('ev')).issued).toBe(1);
  });

  it('five simultaneous joins of one buyer use one position number: the next buyer is told exactly who is ahead (#12)', async () => {
    const t = setUp({ maxActivePurchasers: 1 });
    const joins = await Promise.all([1, 2, 3, 4, 5].map(() => join(t, 'a')));
    expect(joins.map((j) => j.position)).toEqual([1, 1, 1, 1, 1]);
    expect((await t.repo.readState('ev')).issued).toBe(1);
    await join(t, 'b');
    await join(t, 'c');
    expect(await status(t, 'c')).toMatchObject({ state: 'WAITING', position: 3, peopleAhead: 1 });
    const operator = await operatorWaitingRoomStatus(t.deps, t.event);
    expect(operator).toMatchObject({ issuedPositions: 3, waitingCount: 2 });
    expect(operator.waiting).toHaveLength(operator.waitingCount);
  });

  it('joins are numbered in arrival order (join time, ties by buyer id), whoever runs the batch writer', async () => {
    const t = setUp();
    t.repo.hiddenArrivals.add('early'); // the index shows this entry late
    await t.repo.enqueue('ev', 'early', t.clock.now);
    t.clock.now += 1;
    const later = await join(t, 'later');
    expect(later.position).toBe(1); // early was not listed yet: numbered in the next batch
    t.repo.hiddenArrivals.clear();
    expect(await status(t, 'early')).toMatchObject({ position: 2 });
    await Promise.all(['y', 'x', 'z'].map((id) => t.repo.enqueue('ev', id, t.clock.now)));
    // x is first in line; its join starts the writer. It did not (its request died): z waits for
    // it a moment, and a second after x's join anyone's read runs the writer.
    expect((await status(t, 'z')).position).toBeUndefined();
    t.clock.now += 1_000;
    expect((await status(t, 'z')).position).toBe(5); // x, y, z numbered together (ties by buyer id)
    expect((await t.repo.readPlace('ev', 'x'))?.position).toBe(3);
    expect((await t.repo.readPlace('ev', 'y'))?.position).toBe(4);
  });

  it('a join whose entry the writer has not numbered yet is told WAITING without a position, and numbered on its next read', async () => {
    const t = setUp({ maxActivePurchasers: 1 });
    await join(t, 'a');
    t.repo.hiddenArrivals.add('b'); // a lagging index: the writer does not see b's entry yet
    expect(await join(t, 'b')).toMatchObject({ state: 'WAITING', peopleAhead: 0 });
    expect((await join(t, 'b')).position).toBeUndefined(); // a duplicate join: still one entry
    t.repo.hiddenArrivals.clear();
    expect(await status(t, 'b')).toMatchObject({ state: 'WAITING', position: 2, peopleAhead: 0 });
    expect((await t.repo.readState('ev')).issued).toBe(2);
  });
});

describe('waiting room: admission', () => {
  it('admits in position order up to the slot limit; the others wait with who is ahead', async () => {
    const t = setUp({ maxActivePurchasers: 2 });
    for (const id of ['a', 'b', 'c', 'd']) await join(t, id);
    expect((await status(t, 'a')).state).toBe('ADMITTED');
    expect((await status(t, 'b')).state).toBe('ADMITTED');
    expect(await status(t, 'c')).toMatchObject({ state: 'WAITING', peopleAhead: 0, position: 3 });
    expect(await status(t, 'd')).toMatchObject({ state: 'WAITING', peopleAhead: 1 });
    expect(t.repo.buyer('ev', 'a')?.admittedAt).toBe(t.clock.now);
  });

  it('many concurrent joins never admit past the slot limit (optimistic retries on the room item)', async () => {
    const t = setUp({ maxActivePurchasers: 3 });
    const ids = Array.from({ length: 40 }, (_, i) => `b${i}`);
    await Promise.all(ids.map((id) => join(t, id)));
    const room = await t.repo.readState('ev');
    expect(Object.keys(room.active)).toHaveLength(3);
    expect(room.servingPosition).toBe(3);
    expect(room.admittedCount).toBe(3);
  });

  it('a lost write is redone on a fresh read', async () => {
    const t = setUp();
    await t.repo.placeBuyer('ev', 'a', 1, t.clock.now);
    let rival = true;
    t.repo.beforeWrite = (eventId) => {
      if (!rival) return;
      rival = false;
      const room = t.repo.rooms.get(eventId);
      t.repo.rooms.set(eventId, {
        ...(room ?? { eventId, servingPosition: 0, active: {}, admittedCount: 0, updatedAt: 0 }),
        version: (room?.version ?? 0) + 1,
      });
    };
    const state = await advanceWaitingRoom(t.deps, 'ev', t.settings);
    expect(t.repo.conflicts).toBe(1);
    expect(state).toMatchObject({ servingPosition: 1, version: 2 });
    expect(Object.keys(state.active)).toEqual(['a']);
  });

  it('a missing position holds the line for 5 s, then is skipped', async () => {
    const t = setUp({ maxActivePurchasers: 5 });
    // Position 1 issued and its place gone (its buyer rejoined before the line reached it): a gap.
    await t.repo.writeState(await t.repo.readState('ev'), { ...(await t.repo.readState('ev')), issued: 1 }, 0);
    await join(t, 'late');
    expect(await status(t, 'late')).toMatchObject({ state: 'WAITING', position: 2, peopleAhead: 1 });
    t.clock.now += 5_000;
    expect((await status(t, 'late')).state).toBe('ADMITTED');
  });

  it('a buyer who left before their turn is passed over without taking a slot', async () => {
    const t = setUp({ maxActivePurchasers: 1 });
    for (const id of ['a', 'b', 'c']) await join(t, id);
    expect((await leaveWaitingRoom(t.deps, t.event, 'b', KEY)).state).toBe('LEFT');
    await leaveWaitingRoom(t.deps, t.event, 'a', KEY); // an unused admission is given back at once
    expect((await status(t, 'c')).state).toBe('ADMITTED');
    expect((await status(t, 'b')).state).toBe('LEFT');
    expect((await t.repo.readState('ev')).admittedCount).toBe(2);
  });

  it('an admission not used within its window lapses and the next buyer is admitted', async () => {
    const t = setUp({ maxActivePurchasers: 1, admissionSeconds: 60 });
    await join(t, 'a');
    await join(t, 'b');
    t.clock.now += 61_000;
    expect((await status(t, 'b')).state).toBe('ADMITTED');
    expect((await status(t, 'a')).state).toBe('DONE');
    const again = await join(t, 'a'); // a used place: back of the line
    expect(again).toMatchObject({ state: 'WAITING', position: 3 });
  });

  it('a buyer the line passed while their join was being written goes first, marked passed over', async () => {
    const t = setUp({ maxActivePurchasers: 3 });
    await t.repo.writeState(await t.repo.readState('ev'), { ...(await t.repo.readState('ev')), issued: 1 }, 0); // position 1: a slow place
    await join(t, 'fast'); // position 2
    t.clock.now += 5_000;
    await advanceWaitingRoom(t.deps, 'ev', t.settings); // 1 skipped as a gap, 2 admitted
    await t.repo.placeBuyer('ev', 'slow', 1, t.clock.now - 5_000);
    expect((await status(t, 'slow')).state).toBe('ADMITTED');
    expect(t.repo.buyer('ev', 'slow')).toMatchObject({ passedOver: true });
  });
});

describe('waiting room: slots and orders', () => {
  it('only a buyer with a live slot (and a valid token) may start an order', async () => {
    const t = setUp({ maxActivePurchasers: 1 });
    await join(t, 'a');
    await join(t, 'b');
    const token = await signAdmission(KEY, {
      buyerId: 'b',
      eventId: 'ev',
      position: 2,
      expiresAt: t.clock.now + 60_000,
    });
    await expect(
      admitOrder(t.deps, t.event, { buyerId: 'b', orderId: 'ord-b', admissionToken: token }, KEY),
    ).rejects.toBeInstanceOf(AdmissionRequired);
    await startOrder(t, 'a');
    expect(await status(t, 'a')).toMatchObject({ state: 'PURCHASING' });
    expect((await t.repo.readPlace('ev', 'a'))?.orderId).toBe('ord-a'); // bound on the buyer's place
  });

  it('an order that could not be created gives the admission back (seats taken, fewer left) or ends it (none left)', async () => {
    const t = setUp({ maxActivePurchasers: 2 });
    for (const id of ['a', 'b', 'c', 'd']) await join(t, id);
    const undoA = await startOrder(t, 'a');
    await undoA(new SeatsTaken(['A1']));
    expect((await status(t, 'a')).state).toBe('ADMITTED');
    const undoB = await startOrder(t, 'b');
    await undoB(new SoldOut(3, 2)); // asked for more than are left: may ask again for fewer
    expect((await status(t, 'b')).state).toBe('ADMITTED');
    const again = await startOrder(t, 'b');
    await again(new SoldOut(2, 0));
    const room = await t.repo.readState('ev');
    // One refusal never marks the line sold out (issue #12): the next buyer gets the slot.
    expect(room.soldOut ?? false).toBe(false);
    expect(room.active.b).toBeUndefined();
    expect((await status(t, 'c')).state).toBe('ADMITTED');
    // An order ending while the summary counts no seat left: sold out, nobody more is let in.
    await releaseSlot(t.deps, 'ev', t.settings, { buyerId: 'c', orderId: 'ord-none', seatsLeft: 0 });
    expect((await t.repo.readState('ev')).soldOut).toBe(true);
    await giveUpPlace(t.deps, 'ev', t.settings, 'c');
    expect((await status(t, 'd')).state).toBe('WAITING');
    // An order ending without a sale gives seats back: the line moves again.
    await releaseSlot(t.deps, 'ev', t.settings, { buyerId: 'x', orderId: 'ord-x', seatsFreed: true });
    expect((await status(t, 'd')).state).toBe('ADMITTED');
  });

  it('sold out follows the count as orders end, confirmed or not, and on reset', async () => {
    const t = setUp({ maxActivePurchasers: 1 });
    for (const id of ['a', 'b']) await join(t, id);
    await startOrder(t, 'a');
    // a confirms with seats still left (issue #12: B was told 2 left earlier): b is admitted.
    await releaseSlot(t.deps, 'ev', t.settings, { buyerId: 'a', orderId: 'ord-a', seatsLeft: 2 });
    expect((await t.repo.readState('ev')).soldOut ?? false).toBe(false);
    expect((await status(t, 'b')).state).toBe('ADMITTED');
    await recheckSoldOut(t.deps, 'ev', t.settings, 0);
    expect((await t.repo.readState('ev')).soldOut).toBe(true);
    await recheckSoldOut(t.deps, 'ev', t.settings, 5);
    expect((await t.repo.readState('ev')).soldOut).toBe(false);
  });

  it('a buyer told SoldOut with nothing left before any order gives their admission back', async () => {
    const t = setUp({ maxActivePurchasers: 1 });
    for (const id of ['a', 'b']) await join(t, id);
    expect((await status(t, 'a')).state).toBe('ADMITTED');
    await endAdmissionSoldOut(t.deps, 'ev', t.settings, 'a');
    expect((await t.repo.readState('ev')).active.a).toBeUndefined();
    expect((await status(t, 'b')).state).toBe('ADMITTED');
  });

  it('an ended order frees its slot and admits the next buyer; another order’s ending frees nothing', async () => {
    const t = setUp({ maxActivePurchasers: 1 });
    await join(t, 'a');
    await join(t, 'b');
    await startOrder(t, 'a');
    await releaseSlot(t.deps, 'ev', t.settings, { buyerId: 'a', orderId: 'ord-other' });
    expect((await status(t, 'b')).state).toBe('WAITING');
    await releaseSlot(t.deps, 'ev', t.settings, { buyerId: 'a', orderId: 'ord-a' });
    expect((await status(t, 'b')).state).toBe('ADMITTED');
  });

  it('past its safety deadline a slot is kept while its order runs and freed once it ended', async () => {
    const t = setUp({ maxActivePurchasers: 1 });
    await join(t, 'a');
    await join(t, 'b');
    await startOrder(t, 'a');
    await t.orders.putNew(newOrder({ orderId: 'ord-a', status: 'PAYING' }));
    t.clock.now += 60_000 + 60_000 + 1; // hold + grace
    expect((await status(t, 'b')).state).toBe('WAITING');
    expect((await t.repo.readState('ev')).active.a).toBeDefined();
    await t.orders.update('ord-a', { set: { status: 'CONFIRMED' }, from: ['PAYING'] });
    expect((await status(t, 'b')).state).toBe('ADMITTED');
  });

  it('the operator sees slots in use and the waiting list in position order, paged', async () => {
    const t = setUp({ maxActivePurchasers: 1 });
    for (const id of ['a', 'b', 'c', 'd']) await join(t, id);
    const first = await operatorWaitingRoomStatus(t.deps, t.event, { limit: 2 });
    expect(first).toMatchObject({
      servingPosition: 1,
      issuedPositions: 4,
      activePurchasers: 1,
      waitingCount: 3,
      active: [{ buyerId: 'a', position: 1 }],
      waiting: [
        { buyerId: 'b', position: 2 },
        { buyerId: 'c', position: 3 },
      ],
      nextAfter: 3,
    });
    const next = await operatorWaitingRoomStatus(t.deps, t.event, { after: first.nextAfter, limit: 2 });
    expect(next.waiting).toEqual([{ buyerId: 'd', position: 4, joinedAt: t.clock.now }]);
    expect(next.nextAfter).toBeUndefined();
  });
});
