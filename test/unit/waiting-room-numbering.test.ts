import { describe, expect, it } from 'vitest';
import { advanceWaitingRoom } from '../../lambdas/core/waiting-room/advance';
import { numberArrivals } from '../../lambdas/core/waiting-room/numbering';
import type { WaitingRoomRepository } from '../../lambdas/core/waiting-room/waiting-room-repository';
import { buyerWaitingRoomStatus, joinWaitingRoom } from '../../lambdas/core/waiting-room/waiting-room-service';
import type { FakeWaitingRoomRepository } from '../support/fakes/fake-waiting-room-repository';
import { fakeWaitingRoomDeps, roomEvent } from '../support/waiting-room-fixture';

/**
 * The batch writer's numbering is crash-safe (issue #12 item 5): it records the batch on the room
 * item before numbering any place, so a writer that dies half-way is finished by the next run
 * with the same numbers — no number used twice, none left unused — and the line admits nobody
 * past a number not written yet.
 */

const KEY = 'unit-numbering-signing-key-0123456789abcdef';

/** A repository whose `numberPlace` dies (throws) after `survive` calls, once. */
function dyingAfter(survive: number) {
  let calls = 0;
  let died = false;
  return (repo: FakeWaitingRoomRepository): WaitingRoomRepository => {
    const wrapper = Object.create(repo) as FakeWaitingRoomRepository;
    wrapper.numberPlace = async (...args) => {
      if (!died && ++calls > survive) {
        died = true;
        throw new Error('the writer died');
      }
      return repo.numberPlace(...args);
    };
    return wrapper;
  };
}

describe('waiting room: the batch writer’s numbering', () => {
  it('a writer that died after recording its batch and numbering some places is finished by the next run: no duplicate, no gap', async () => {
    const clock = { now: Date.parse('2026-11-23T12:00:00Z') };
    const { deps, repo } = fakeWaitingRoomDeps(clock, { room: dyingAfter(2) });
    const event = roomEvent({ maxActivePurchasers: 10 });
    const buyers = ['b1', 'b2', 'b3', 'b4', 'b5', 'b6'];
    for (const [i, buyerId] of buyers.entries()) await repo.enqueue('ev', buyerId, clock.now + i);
    clock.now += 1_000;

    await expect(numberArrivals(deps, 'ev', event.waitingRoom)).rejects.toThrow('the writer died');
    const crashed = await repo.readState('ev');
    expect(crashed.issued).toBe(6); // recorded before any place was numbered
    expect(crashed.numbering?.entries.map((entry) => entry.buyerId)).toEqual(buyers);
    // Written at once, 25 at a time: the third write died, the others of the same round landed.
    expect(buyers.map((id) => repo.buyer('ev', id)?.position)).toEqual([1, 2, undefined, 4, 5, 6]);

    // Meanwhile the line admits 1 and 2 but never skips 3: its number is taken, just not written.
    clock.now += 10_000;
    expect((await advanceWaitingRoom(deps, 'ev', event.waitingRoom)).servingPosition).toBe(2);
    // A new join while the dead batch is still recorded: its writer finishes that batch first.
    const late = await joinWaitingRoom(deps, event, 'late', KEY);
    expect(late.position).toBe(7);
    expect(buyers.map((id) => repo.buyer('ev', id)?.position)).toEqual([1, 2, 3, 4, 5, 6]);
    const room = await repo.readState('ev');
    expect(room).toMatchObject({ issued: 7 });
    expect(room.numbering).toBeUndefined();
    const statuses = await Promise.all(buyers.map((id) => buyerWaitingRoomStatus(deps, event, id, KEY)));
    expect(statuses.map((status) => status.state)).toEqual(buyers.map(() => 'ADMITTED'));
    expect((await repo.readState('ev')).servingPosition).toBe(7);
  });

  it('a batch recorded moments ago is its writer’s to finish: another run returns at once and writes nothing', async () => {
    const clock = { now: Date.parse('2026-11-23T12:00:00Z') };
    const { deps, repo } = fakeWaitingRoomDeps(clock, { room: dyingAfter(0) });
    const event = roomEvent({ maxActivePurchasers: 10 });
    await repo.enqueue('ev', 'a', clock.now);
    await expect(numberArrivals(deps, 'ev', event.waitingRoom)).rejects.toThrow('the writer died');
    const recorded = await repo.readState('ev');
    clock.now += 500; // the writer may still be running
    expect(await numberArrivals(deps, 'ev', event.waitingRoom)).toEqual(recorded);
    expect(repo.buyer('ev', 'a')?.position).toBeUndefined();
    clock.now += 10_000; // now it is taken for dead
    expect((await numberArrivals(deps, 'ev', event.waitingRoom)).numbering).toBeUndefined();
    expect(repo.buyer('ev', 'a')?.position).toBe(1);
  });
});
