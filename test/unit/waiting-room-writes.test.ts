import { describe, expect, it } from 'vitest';
import { releaseSlots } from '../../lambdas/core/waiting-room/admission';
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
 * start; a join in a busy room writes only the buyer's item and one position counter.
 */

const KEY = 'unit-writes-signing-key-0123456789abcdef';

/** The repository's methods that write, by name. */
const WRITES = [
  'writeState',
  'startJoin',
  'placeBuyer',
  'clearPlace',
  'markAdmitted',
  'bindOrder',
  'unbindOrder',
  'endAdmission',
  'markLeft',
  'preQueue',
  'checkIn',
  'markLapsed',
  'seedCounter',
  'countJoin',
] as const;

function setUp(slots: number, abandonAfterSeconds = 3600) {
  const clock = { now: Date.parse('2026-11-23T12:00:00Z') };
  const writes: string[] = [];
  // Every write call is logged (a conditional write that was refused costs a write too).
  const counting = (repo: FakeWaitingRoomRepository): WaitingRoomRepository => {
    const wrapper = Object.create(repo) as Record<string, unknown>;
    for (const name of WRITES) {
      const method = repo[name] as (...args: unknown[]) => Promise<unknown>;
      wrapper[name] = (...args: unknown[]) => {
        writes.push(name);
        return method.apply(repo, args);
      };
    }
    return wrapper as unknown as WaitingRoomRepository;
  };
  const { deps, repo, orders } = fakeWaitingRoomDeps(clock, { room: counting });
  const event = roomEvent({ maxActivePurchasers: slots, abandonAfterSeconds });
  const status = (buyerId: string) => buyerWaitingRoomStatus(deps, event, buyerId, KEY);
  const join = (buyerId: string) => joinWaitingRoom(deps, event, buyerId, KEY);
  return { clock, deps, repo, orders, event, writes, status, join };
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

  it('a join in a busy room writes the buyer’s item and one counter, never the room item; a duplicate join takes no number', async () => {
    const t = setUp(2);
    for (const buyerId of ['a', 'b', 'c']) await t.join(buyerId); // a and b hold the slots
    t.writes.length = 0;
    await t.join('d');
    // The claim (so that duplicates take no number), the counter, the place.
    expect(t.writes).toEqual(['startJoin', 'countJoin', 'placeBuyer']);
    t.writes.length = 0;
    await Promise.all([t.join('e'), t.join('e'), t.join('e')]);
    expect(t.writes.filter((name) => name === 'countJoin')).toHaveLength(1);
    expect(t.writes).not.toContain('writeState');
    expect((await t.join('f')).position).toBe(6);
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
