import { describe, expect, it } from 'vitest';
import type { EventRecord } from '../../lambdas/core/events/event-records';
import { releaseSlot, releaseSlots } from '../../lambdas/core/waiting-room/admission';
import { operatorWaitingRoomStatus } from '../../lambdas/core/waiting-room/operator-status';
import type { WaitingRoomRepository } from '../../lambdas/core/waiting-room/waiting-room-repository';
import {
  admitOrder,
  buyerWaitingRoomStatus,
  joinWaitingRoom,
} from '../../lambdas/core/waiting-room/waiting-room-service';
import type { FakeWaitingRoomRepository } from '../support/fakes/fake-waiting-room-repository';
import { fakeWaitingRoomDeps, roomEvent } from '../support/waiting-room-fixture';

/**
 * Absent buyers are skipped (issue #12 item 4): a waiting buyer whose page has not checked in for
 * `abandonAfterSeconds` is passed over when the line reaches them (LAPSED), so turns go only to
 * buyers who are there; check-ins cost at most one write per interval.
 */

const KEY = 'unit-absent-signing-key-0123456789abcdef';

function setUp() {
  const clock = { now: Date.parse('2026-11-23T12:00:00Z') };
  const checkInWrites = { count: 0 };
  // Counts the check-ins that were written (a poll within the interval writes nothing).
  const countingCheckIns = (repo: FakeWaitingRoomRepository): WaitingRoomRepository =>
    Object.assign(Object.create(repo) as FakeWaitingRoomRepository, {
      checkIn: async (...args: Parameters<WaitingRoomRepository['checkIn']>) => {
        const written = await repo.checkIn(...args);
        if (written) checkInWrites.count++;
        return written;
      },
    });
  const { deps, repo } = fakeWaitingRoomDeps(clock, { room: countingCheckIns });
  const event = roomEvent({ maxActivePurchasers: 1, abandonAfterSeconds: 90 }, { rows: 1, seatsPerRow: 10 });
  return { clock, repo, deps, event, settings: event.waitingRoom, checkInWrites };
}

describe('waiting room: absent buyers are passed over', () => {
  it('the line skips a buyer whose page went away (LAPSED, shown on return), and the turn goes to the next one who is there', async () => {
    const t = setUp();
    const status = (buyerId: string) => buyerWaitingRoomStatus(t.deps, t.event, buyerId, KEY);
    expect((await joinWaitingRoom(t.deps, t.event, 'a', KEY)).state).toBe('ADMITTED');
    await joinWaitingRoom(t.deps, t.event, 'gone', KEY); // closes the tab now
    await joinWaitingRoom(t.deps, t.event, 'here', KEY);
    // `a` buys for a while; `here` keeps its page open (a check-in every 30 s), `gone` does not.
    const orderOfA = await admitOrder(
      t.deps,
      t.event,
      { buyerId: 'a', orderId: 'o-a', admissionToken: (await status('a')).admissionToken },
      KEY,
    );
    expect(orderOfA).toBeTypeOf('function');
    for (let i = 0; i < 4; i++) {
      t.clock.now += 30_000;
      expect((await status('here')).state).toBe('WAITING');
    }
    await releaseSlot(t.deps, 'ev', t.settings, { buyerId: 'a', orderId: 'o-a', seatsFreed: false, seatsLeft: 5 });
    expect((await status('here')).state).toBe('ADMITTED');
    const back = await status('gone');
    expect(back).toMatchObject({ state: 'LAPSED', position: 2 });
    expect(back.admissionToken).toBeUndefined();
    // Rejoining puts them at the back, waiting again.
    expect(await joinWaitingRoom(t.deps, t.event, 'gone', KEY)).toMatchObject({ state: 'WAITING', position: 4 });
  });

  it('a buyer away for less than abandonAfterSeconds keeps the turn', async () => {
    const t = setUp();
    await joinWaitingRoom(t.deps, t.event, 'a', KEY);
    await joinWaitingRoom(t.deps, t.event, 'b', KEY);
    t.clock.now += 80_000; // b silent for 80 s < 90 s
    await releaseSlot(t.deps, 'ev', t.settings, { buyerId: 'a', orderId: 'none', seatsFreed: true });
    // a's admission lapsed unused (60 s): the slot is b's.
    expect((await buyerWaitingRoomStatus(t.deps, t.event, 'b', KEY)).state).toBe('ADMITTED');
  });

  it('the operator waiting count leaves out buyers who left or lapsed', async () => {
    const t = setUp();
    for (const buyerId of ['a', 'b', 'c', 'd']) await joinWaitingRoom(t.deps, t.event, buyerId, KEY);
    // a buys (the slot stays with the order), so the line does not move during the test.
    const { admissionToken } = await buyerWaitingRoomStatus(t.deps, t.event, 'a', KEY);
    await admitOrder(t.deps, t.event, { buyerId: 'a', orderId: 'o-a', admissionToken }, KEY);
    expect((await operatorWaitingRoomStatus(t.deps, t.event)).waitingCount).toBe(3);
    await t.repo.markLeft('ev', 'c', t.clock.now);
    expect((await operatorWaitingRoomStatus(t.deps, t.event)).waitingCount).toBe(2);
    t.clock.now += 100_000; // everyone silent past the abandon time: not counted as waiting
    await buyerWaitingRoomStatus(t.deps, t.event, 'd', KEY); // d checks in
    const view = await operatorWaitingRoomStatus(t.deps, t.event);
    expect(view.waitingCount).toBe(1);
  });

  it('a page polling every 2 s writes one check-in per interval (a third of abandonAfterSeconds)', async () => {
    const t = setUp();
    await joinWaitingRoom(t.deps, t.event, 'a', KEY);
    const joined = await joinWaitingRoom(t.deps, t.event, 'b', KEY);
    expect(joined.checkInEverySeconds).toBe(30);
    for (let i = 0; i < 45; i++) {
      t.clock.now += 2000;
      await buyerWaitingRoomStatus(t.deps, t.event, 'b', KEY);
    }
    // 90 s of polling, 45 reads: one write per 30 s.
    expect(t.checkInWrites.count).toBeLessThanOrEqual(3);
    expect(t.checkInWrites.count).toBeGreaterThanOrEqual(2);
  });
});

describe('waiting room: the orders stream moves the line in batches', () => {
  it('a batch of ended orders frees all their slots and admits the next buyers with one write of the room', async () => {
    const t = setUp();
    const settings = { ...t.settings, maxActivePurchasers: 3 };
    const event = { ...t.event, waitingRoom: settings } as EventRecord;
    for (const buyerId of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) await joinWaitingRoom(t.deps, event, buyerId, KEY);
    for (const buyerId of ['a', 'b', 'c']) {
      const { admissionToken } = await buyerWaitingRoomStatus(t.deps, event, buyerId, KEY);
      await admitOrder(t.deps, event, { buyerId, orderId: `o-${buyerId}`, admissionToken }, KEY);
    }
    const before = await t.repo.readState('ev');
    const ended = ['a', 'b', 'c'].map((buyerId) => ({ buyerId, orderId: `o-${buyerId}`, seatsFreed: false }));
    await releaseSlots(t.deps, 'ev', settings, ended, 5);
    const after = await t.repo.readState('ev');
    expect(after.version).toBe(before.version + 1);
    expect(Object.keys(after.active).sort()).toEqual(['d', 'e', 'f']);
    // A replayed batch changes nothing.
    await releaseSlots(t.deps, 'ev', settings, ended, 5);
    expect((await t.repo.readState('ev')).version).toBe(after.version);
  });
});

describe('waiting room: duplicate joins (issue #12, "Why")', () => {
  it('five simultaneous joins of one buyer take one number: the next buyer is number 3 with one ahead, and the operator counts exactly who waits', async () => {
    const t = setUp();
    await joinWaitingRoom(t.deps, t.event, 'first', KEY); // admitted: the one slot
    const dupes = await Promise.all(Array.from({ length: 5 }, () => joinWaitingRoom(t.deps, t.event, 'dup', KEY)));
    expect(new Set(dupes.map((s) => s.position))).toEqual(new Set([2]));
    const next = await joinWaitingRoom(t.deps, t.event, 'next', KEY);
    expect(next).toMatchObject({ position: 3, peopleAhead: 1 });
    const view = await operatorWaitingRoomStatus(t.deps, t.event);
    expect(view.waitingCount).toBe(2);
    expect(view.waiting.map((w) => w.buyerId)).toEqual(['dup', 'next']);
  });
});
