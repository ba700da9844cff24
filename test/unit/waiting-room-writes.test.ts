import { describe, expect, it } from 'vitest';
import { releaseSlots } from '../../lambdas/core/waiting-room/admission';
import { operatorWaitingRoomStatus } from '../../lambdas/core/waiting-room/operator-status';
import type { WaitingRoomRepository } from '../../lambdas/core/waiting-room/waiting-room-repository';
import {
  admitOrder,
  buyerWaitingRoomStatus,
  joinWaitingRoom,
} from '../../lambdas/core/waiting-room/waiting-room-service';
import { newOrder } from '../support/contracts/order-repository-contract';
import type { FakeWaitingRoomRepository } from '../support/fakes/fake-waiting-room-repository';
import { fakeWaitingRoomDeps, roomEvent } from '../support/waiting-room-fixture';

/**
 * Admission without a hot item (issue #12 item 5): the room item is written by the batch writer
 * only (the orders stream's consumer, the timer, and a quiet room's idle slot), never per order
 * start; a join writes only the buyer's own item, twice (in line, then numbered by the batch
 * writer, whose record of each batch on the room item is shared by the whole batch).
 */

const KEY = 'unit-writes-signing-key-0123456789abcdef';

/** The repository's methods that only read, by name: every other call is a write request. */
const READS = new Set([
  'readState',
  'readPlace',
  'readArrival',
  'arrivals',
  'confirmArrivals',
  'placesAfter',
  'readPreQueue',
  'preQueued',
  'countWaiting',
  'joinsCounted',
]);
/** The fake's own helpers (not repository calls). */
const HELPERS = new Set(['constructor', 'buyer', 'item', 'entriesOf']);

function setUp(slots: number, abandonAfterSeconds = 3600) {
  const clock = { now: Date.parse('2026-11-23T12:00:00Z') };
  const writes: string[] = [];
  const roomReads = { count: 0 };
  // Every write call is logged (a conditional write that was refused costs a write too).
  const counting = (repo: FakeWaitingRoomRepository): WaitingRoomRepository => {
    const wrapper = Object.create(repo) as Record<string, unknown>;
    const methods = Object.getOwnPropertyNames(Object.getPrototypeOf(repo)).filter(
      (name) => !READS.has(name) && !HELPERS.has(name) && typeof Reflect.get(repo, name) === 'function',
    );
    for (const name of methods) {
      const method = Reflect.get(repo, name) as (...args: unknown[]) => Promise<unknown>;
      wrapper[name] = (...args: unknown[]) => {
        writes.push(name);
        return method.apply(repo, args);
      };
    }
    wrapper.readState = (eventId: string) => {
      roomReads.count++;
      return repo.readState(eventId);
    };
    return wrapper as unknown as WaitingRoomRepository;
  };
  const { deps, repo, orders } = fakeWaitingRoomDeps(clock, { room: counting });
  const event = roomEvent({ maxActivePurchasers: slots, abandonAfterSeconds });
  const status = (buyerId: string) => buyerWaitingRoomStatus(deps, event, buyerId, KEY);
  const join = (buyerId: string) => joinWaitingRoom(deps, event, buyerId, KEY);
  return { clock, deps, repo, orders, event, writes, roomReads, status, join };
}

describe('waiting room: writes', () => {
  it('starting orders never writes the room item: each admission is bound on the buyer’s own place', async () => {
    const t = setUp(20);
    const buyers = Array.from({ length: 20 }, (_, i) => `b${i}`);
    for (const buyerId of buyers) await t.join(buyerId);
    const tokens = await Promise.all(buyers.map(async (buyerId) => (await t.status(buyerId)).admissionToken));
    t.writes.length = 0;
    const version = (await t.repo.readState('ev')).version;
    await Promise.all(
      buyers.map((buyerId, i) =>
        admitOrder(t.deps, t.event, { buyerId, orderId: `o-${buyerId}`, admissionToken: tokens[i] }, KEY),
      ),
    );
    expect(t.writes).toEqual(buyers.map(() => 'bindOrder'));
    expect((await t.repo.readState('ev')).version).toBe(version);
    expect(t.repo.conflicts).toBe(0);
    for (const buyerId of buyers) expect((await t.status(buyerId)).state).toBe('PURCHASING');
  });

  it('a join costs 2 writes, both on the buyer’s own item (in line, then numbered); the numbering’s room writes are per batch, not per join (#12)', async () => {
    const t = setUp(2);
    for (const buyerId of ['a', 'b', 'c']) await t.join(buyerId); // a and b hold the slots: a busy line
    t.writes.length = 0;
    const buyers = Array.from({ length: 50 }, (_, i) => `j${String(i).padStart(2, '0')}`);
    const joins = await Promise.all(buyers.map((buyerId) => t.join(buyerId)));
    // Every join ends up numbered, each number used once, right after c's.
    const numbered = await Promise.all(
      buyers.map(async (buyerId, i) => joins[i]!.position ?? (await t.status(buyerId)).position),
    );
    expect([...numbered].sort((x, y) => x! - y!)).toEqual(buyers.map((_, i) => i + 4));
    const onItems = t.writes.filter((name) => name !== 'writeState'); // the buyers' own items (or a counter)
    const onRoom = t.writes.filter((name) => name === 'writeState');
    expect(onItems).toHaveLength(2 * buyers.length);
    // The batch writer's record and clear of each batch: shared by the batch, not one per join.
    expect(onRoom.length).toBeLessThanOrEqual(4);
    expect((onItems.length + onRoom.length) / buyers.length).toBeLessThanOrEqual(2.1);
  });

  it('five concurrent joins by one buyer use one number and at most 2 writes each; people ahead and the waiting count are exact (#12)', async () => {
    const t = setUp(2);
    for (const buyerId of ['a', 'b', 'c']) await t.join(buyerId);
    t.writes.length = 0;
    const joins = await Promise.all([1, 2, 3, 4, 5].map(() => t.join('e')));
    const mine = (await t.status('e')).position;
    expect(mine).toBe(4);
    for (const join of joins) expect(join.position ?? mine).toBe(mine);
    expect(t.writes.filter((name) => name !== 'writeState').length).toBeLessThanOrEqual(2 * joins.length);
    expect(await t.join('f')).toMatchObject({ state: 'WAITING', position: 5, peopleAhead: 2 });
    const operator = await operatorWaitingRoomStatus(t.deps, t.event);
    expect(operator).toMatchObject({ issuedPositions: 5, servingPosition: 2, waitingCount: 3 });
    expect(operator.waiting.map((place) => place.buyerId)).toEqual(['c', 'e', 'f']);
  });

  it('a waiting buyer’s status read in a busy room writes nothing but its check-in, and that only when due', async () => {
    const t = setUp(2, 30); // a check-in every 10 s
    for (const buyerId of ['a', 'b', 'c']) await t.join(buyerId);
    t.writes.length = 0;
    expect((await t.status('c')).state).toBe('WAITING');
    expect(t.writes).toEqual([]); // polled within the check-in interval: no write request at all
    t.clock.now += 10_001; // a check-in is due (a third of abandonAfterSeconds)
    expect((await t.status('c')).state).toBe('WAITING');
    expect(t.writes).toEqual(['checkIn']);
  });

  it('waiting pages far back in a busy line read the room item at most once a second per process; near the front, afresh', async () => {
    const t = setUp(2);
    const buyers = Array.from({ length: 30 }, (_, i) => `p${String(i).padStart(2, '0')}`); // positions 1…30
    for (const buyerId of buyers) await t.join(buyerId);
    t.clock.now += 5_000;
    await t.status('p29'); // this process reads the room
    t.roomReads.count = 0;
    const far = await Promise.all(buyers.slice(10).map((buyerId) => t.status(buyerId)));
    expect(far.map((s) => s.peopleAhead)).toEqual(buyers.slice(10).map((_, i) => i + 8)); // exact: the line has not moved
    expect(t.roomReads.count).toBe(0);
    await t.status('p03'); // position 4: within a set of slots of the front, read afresh
    expect(t.roomReads.count).toBe(1);
    t.clock.now += 1_000; // a second later the far ones read it again (once, then it is recent)
    await t.status('p20');
    await t.status('p21');
    expect(t.roomReads.count).toBe(2);
  });

  it('the stream’s batch frees the ended orders’ slots and admits the next buyers in one room write', async () => {
    const t = setUp(3);
    for (const buyerId of ['a', 'b', 'c', 'd', 'e', 'f']) await t.join(buyerId);
    for (const buyerId of ['a', 'b', 'c']) {
      const { admissionToken } = await t.status(buyerId);
      await admitOrder(t.deps, t.event, { buyerId, orderId: `o-${buyerId}`, admissionToken }, KEY);
      await t.orders.putNew(newOrder({ orderId: `o-${buyerId}`, buyerId, eventId: 'ev', status: 'CONFIRMED' }));
    }
    t.writes.length = 0;
    const ended = ['a', 'b', 'c'].map((buyerId) => ({ buyerId, orderId: `o-${buyerId}`, seatsFreed: false }));
    await releaseSlots(t.deps, 'ev', t.event.waitingRoom, ended, 5);
    expect(t.writes.filter((name) => name === 'writeState')).toHaveLength(1);
    const room = await t.repo.readState('ev');
    expect(Object.keys(room.active).sort()).toEqual(['d', 'e', 'f']);
    // A replayed batch (the stream retries) frees nothing more.
    await releaseSlots(t.deps, 'ev', t.event.waitingRoom, ended, 5);
    expect(Object.keys((await t.repo.readState('ev')).active).sort()).toEqual(['d', 'e', 'f']);
  });
});
