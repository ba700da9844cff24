import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  arrivalKey,
  type WaitingRoomRepository,
  type WaitingRoomStateChange,
} from '../../../lambdas/core/waiting-room/waiting-room-repository';

/** What every `WaitingRoomRepository` does: on DynamoDB Local (integration) and in memory (unit). */
export function waitingRoomRepositoryContract(name: string, setUp: () => Promise<WaitingRoomRepository>): void {
  describe(`WaitingRoomRepository contract: ${name}`, () => {
    let room: WaitingRoomRepository;
    beforeAll(async () => {
      room = await setUp();
    });
    const newEventId = () => `ev-${randomUUID().slice(0, 8)}`;
    const change = (eventId: string, servingPosition: number): WaitingRoomStateChange => ({
      eventId,
      servingPosition,
      active: { b1: { position: 1, admittedAt: 10, until: 20 } },
      admittedCount: servingPosition,
    });

    it('a room never written reads as the empty room, version 0', async () => {
      const eventId = newEventId();
      expect(await room.readState(eventId)).toEqual({
        eventId,
        servingPosition: 0,
        active: {},
        admittedCount: 0,
        version: 0,
        updatedAt: 0,
      });
    });

    it('writes only over the version read: each write bumps it, a stale write is refused and changes nothing', async () => {
      const eventId = newEventId();
      const empty = await room.readState(eventId);
      expect(await room.writeState(empty, change(eventId, 1), 100)).toBe(true);
      const first = await room.readState(eventId);
      expect(first).toEqual({ ...change(eventId, 1), version: 1, updatedAt: 100 });
      expect(await room.writeState(empty, change(eventId, 9), 101)).toBe(false);
      expect(await room.writeState(first, { ...change(eventId, 2), soldOut: true }, 102)).toBe(true);
      expect(await room.writeState(first, change(eventId, 9), 103)).toBe(false);
      expect(await room.readState(eventId)).toMatchObject({ servingPosition: 2, soldOut: true, version: 2 });
    });

    it('of concurrent writes over the same read exactly one lands', async () => {
      const eventId = newEventId();
      const read = await room.readState(eventId);
      const landed = await Promise.all([1, 2, 3, 4].map((n) => room.writeState(read, change(eventId, n), n)));
      expect(landed.filter(Boolean)).toHaveLength(1);
      expect((await room.readState(eventId)).version).toBe(1);
    });

    it('a buyer is placed once: a second placing is refused and the first stands', async () => {
      const eventId = newEventId();
      expect(await room.readPlace(eventId, 'b1')).toBeUndefined();
      expect(await room.placeBuyer(eventId, 'b1', 3, 1000)).toBe(true);
      expect(await room.placeBuyer(eventId, 'b1', 4, 2000)).toBe(false);
      expect(await room.readPlace(eventId, 'b1')).toEqual({
        buyerId: 'b1',
        position: 3,
        joinedAt: 1000,
        lastSeenAt: 1000,
      });
    });

    it('a join is in line once, without a number: a duplicate writes nothing; the writer numbers it once, in arrival order', async () => {
      const eventId = newEventId();
      const joins = await Promise.all([1, 2, 3, 4].map(() => room.enqueue(eventId, 'b2', 2000)));
      expect(joins.filter(Boolean)).toHaveLength(1); // one entry, however many joins
      expect(await room.enqueue(eventId, 'b1', 1000)).toBe(true);
      expect(await room.enqueue(eventId, 'b0', 2000)).toBe(true); // same time as b2: ties by buyer id
      expect(await room.readPlace(eventId, 'b1')).toBeUndefined(); // no number yet
      const b1 = await room.readArrival(eventId, 'b1');
      expect(b1).toEqual({ buyerId: 'b1', arrival: arrivalKey(1000, 'b1'), joinedAt: 1000 });
      expect((await room.arrivals(eventId, 10)).map((entry) => entry.buyerId)).toEqual(['b1', 'b0', 'b2']);
      expect((await room.arrivals(eventId, 2)).map((entry) => entry.buyerId)).toEqual(['b1', 'b0']);
      expect(await room.numberPlace(eventId, 'b1', 1, 'another arrival', 3000)).toBe(false);
      const numbered = await Promise.all([1, 2, 3].map(() => room.numberPlace(eventId, 'b1', 1, b1!.arrival, 3000)));
      expect(numbered.filter(Boolean)).toHaveLength(1); // written once
      expect(await room.numberPlace(eventId, 'b1', 9, b1!.arrival, 3100)).toBe(false);
      expect(await room.readArrival(eventId, 'b1')).toBeUndefined();
      expect(await room.readPlace(eventId, 'b1')).toEqual({
        buyerId: 'b1',
        position: 1,
        joinedAt: 1000,
        lastSeenAt: 1000,
      });
      expect(await room.enqueue(eventId, 'b1', 4000)).toBe(false); // placed: joining again changes nothing
      expect((await room.arrivals(eventId, 10)).map((entry) => entry.buyerId)).toEqual(['b0', 'b2']);
      expect((await room.placesAfter(eventId, 0, 10)).places).toEqual([
        { buyerId: 'b1', position: 1, joinedAt: 1000, lastSeenAt: 1000, numberedAt: 3000 },
      ]);
    });

    it('admission and leaving are noted on the place; leaving without a place is refused', async () => {
      const eventId = newEventId();
      expect(await room.markLeft(eventId, 'nobody', 5)).toBe(false);
      expect(await room.readPlace(eventId, 'nobody')).toBeUndefined();
      await room.placeBuyer(eventId, 'b1', 1, 1000);
      await room.markAdmitted(eventId, 'b1', { position: 2, admittedAt: 1400, until: 9000 }); // not this place
      expect((await room.readPlace(eventId, 'b1'))?.admittedAt).toBeUndefined();
      await room.markAdmitted(eventId, 'b1', { position: 1, admittedAt: 1500, until: 9000, passedOver: true });
      expect(await room.markLeft(eventId, 'b1', 1800)).toBe(true);
      expect(await room.readPlace(eventId, 'b1')).toEqual({
        buyerId: 'b1',
        position: 1,
        joinedAt: 1000,
        admittedAt: 1500,
        admissionUntil: 9000,
        leftAt: 1800,
        lastSeenAt: 1000,
      });
    });

    it('an order is bound on the buyer’s own place: once, only to a live admission; undone or replaced only by its own id', async () => {
      const eventId = newEventId();
      const bind = (orderId: string, now: number, replacing?: string) =>
        room.bindOrder(eventId, 'b1', {
          position: 1,
          orderId,
          now,
          until: now + 100,
          ...(replacing ? { replacing } : {}),
        });
      await room.placeBuyer(eventId, 'b1', 1, 1000);
      expect(await bind('o1', 1100)).toBe(false); // not admitted
      await room.markAdmitted(eventId, 'b1', { position: 1, admittedAt: 1500, until: 2000 });
      expect(await room.bindOrder(eventId, 'b1', { position: 2, orderId: 'o1', now: 1600, until: 0 })).toBe(false);
      expect(await bind('o1', 2001)).toBe(false); // the window passed
      const rivals = await Promise.all(['o1', 'o2', 'o3'].map((orderId) => bind(orderId, 1600)));
      expect(rivals.filter(Boolean)).toHaveLength(1); // one admission, one order
      const bound = (await room.readPlace(eventId, 'b1'))?.orderId as string;
      expect(await bind('o4', 1700)).toBe(false);
      expect(await bind('o4', 1700, bound)).toBe(true); // replacing an order never written
      expect(await room.readPlace(eventId, 'b1')).toMatchObject({ orderId: 'o4', orderUntil: 1800 });
      expect(await room.unbindOrder(eventId, 'b1', 'o1')).toBe(false);
      expect(await room.endAdmission(eventId, 'b1', 1, 1750)).toBe(false); // bound: the order has it
      expect(await room.unbindOrder(eventId, 'b1', 'o4')).toBe(true); // seats taken: as it was
      expect(await bind('o5', 1800)).toBe(true);
      expect(await room.unbindOrder(eventId, 'b1', 'o5', 1850)).toBe(true); // none left: ended
      expect(await bind('o6', 1900)).toBe(false);
      expect(await room.readPlace(eventId, 'b1')).toMatchObject({ admissionEndedAt: 1850 });
      expect((await room.readPlace(eventId, 'b1'))?.orderId).toBeUndefined();
    });

    it('an unused admission ends early only while no order is bound; a buyer who left binds nothing', async () => {
      const eventId = newEventId();
      await room.placeBuyer(eventId, 'b1', 1, 1000);
      expect(await room.endAdmission(eventId, 'b1', 1, 1100)).toBe(false); // not admitted
      await room.markAdmitted(eventId, 'b1', { position: 1, admittedAt: 1500, until: 9000 });
      expect(await room.endAdmission(eventId, 'b1', 2, 1600)).toBe(false);
      expect(await room.endAdmission(eventId, 'b1', 1, 1600)).toBe(true);
      await room.placeBuyer(eventId, 'b2', 2, 1000);
      await room.markAdmitted(eventId, 'b2', { position: 2, admittedAt: 1500, until: 9000 });
      await room.markLeft(eventId, 'b2', 1700);
      expect(await room.bindOrder(eventId, 'b2', { position: 2, orderId: 'o', now: 1800, until: 9999 })).toBe(false);
    });

    it('a used place is given up for a new entry at the back only while it is the one seen (one write)', async () => {
      const eventId = newEventId();
      expect(await room.requeue(eventId, 'b1', 1, 500)).toBe(false); // never placed
      await room.placeBuyer(eventId, 'b1', 1, 1000);
      await room.markAdmitted(eventId, 'b1', { position: 1, admittedAt: 1500, until: 2000 });
      await room.bindOrder(eventId, 'b1', { position: 1, orderId: 'o1', now: 1600, until: 3000 });
      expect(await room.requeue(eventId, 'b1', 2, 2500)).toBe(false);
      expect((await room.readPlace(eventId, 'b1'))?.position).toBe(1);
      const rejoins = await Promise.all([1, 2].map(() => room.requeue(eventId, 'b1', 1, 3000)));
      expect(rejoins.filter(Boolean)).toHaveLength(1);
      expect(await room.readPlace(eventId, 'b1')).toBeUndefined();
      const entry = await room.readArrival(eventId, 'b1');
      expect(entry).toMatchObject({ joinedAt: 3000 });
      expect(await room.numberPlace(eventId, 'b1', 7, entry!.arrival, 3100)).toBe(true);
      expect(await room.readPlace(eventId, 'b1')).toEqual({
        buyerId: 'b1',
        position: 7,
        joinedAt: 3000,
        lastSeenAt: 3000,
      });
    });

    it('places after a position come in position order, a page at a time, with who left', async () => {
      const eventId = newEventId();
      for (const [buyerId, position] of [
        ['b3', 3],
        ['b1', 1],
        ['b5', 5],
        ['b2', 2],
      ] as const)
        await room.placeBuyer(eventId, buyerId, position, position * 10);
      await room.markLeft(eventId, 'b3', 99);
      await room.enqueue(eventId, 'b9', 5); // in line without a number: no place yet
      expect(await room.placesAfter(eventId, 1, 10)).toEqual({
        places: [
          { buyerId: 'b2', position: 2, joinedAt: 20, lastSeenAt: 20 },
          { buyerId: 'b3', position: 3, joinedAt: 30, leftAt: 99, lastSeenAt: 30 },
          { buyerId: 'b5', position: 5, joinedAt: 50, lastSeenAt: 50 },
        ],
        more: false,
      });
      const page = await room.placesAfter(eventId, 0, 2);
      expect(page.places.map((p) => p.position)).toEqual([1, 2]);
      expect(page.more).toBe(true);
      expect((await room.placesAfter(eventId, 5, 10)).places).toEqual([]);
    });

    it('a pre-queue join is written once, without a position; the draw places it keeping its check-in', async () => {
      const eventId = newEventId();
      expect(await room.readPreQueue(eventId, 'b1')).toBeUndefined();
      expect(await room.preQueue(eventId, 'b1', 1000)).toBe(true);
      expect(await room.preQueue(eventId, 'b1', 1100)).toBe(false);
      expect(await room.preQueue(eventId, 'b2', 1200)).toBe(true);
      expect(await room.readPreQueue(eventId, 'b1')).toBe(1000);
      expect(await room.readPlace(eventId, 'b1')).toBeUndefined();
      expect(await room.checkIn(eventId, 'b1', 5000, 4000)).toBe(true);
      await room.enqueue(eventId, 'b3', 1500); // in line, not in the pre-queue
      expect((await room.arrivals(eventId, 10)).map((entry) => entry.buyerId)).toEqual(['b1', 'b2', 'b3']);
      expect(await room.placeBuyer(eventId, 'b1', 2, 1000)).toBe(true);
      expect(await room.readPlace(eventId, 'b1')).toEqual({
        buyerId: 'b1',
        position: 2,
        joinedAt: 1000,
        lastSeenAt: 5000,
      });
      expect(await room.preQueue(eventId, 'b1', 6000)).toBe(false); // placed
      expect((await room.arrivals(eventId, 10)).map((entry) => entry.buyerId)).toEqual(['b2', 'b3']);
      const entries = await room.preQueued(eventId);
      expect(entries.sort((a, b) => a.joinedAt - b.joinedAt)).toEqual([
        { buyerId: 'b1', joinedAt: 1000, position: 2 },
        { buyerId: 'b2', joinedAt: 1200 },
      ]);
    });

    it('a check-in is written once per interval; an absent buyer is marked lapsed unless seen meanwhile', async () => {
      const eventId = newEventId();
      expect(await room.checkIn(eventId, 'nobody', 1000, 0)).toBe(false); // not in line
      await room.placeBuyer(eventId, 'b1', 1, 1000);
      await room.placeBuyer(eventId, 'b2', 2, 1000);
      expect(await room.checkIn(eventId, 'b1', 1500, 1200)).toBe(true); // last seen at 1000, before 1200: written
      expect(await room.checkIn(eventId, 'b1', 1600, 500)).toBe(false); // seen at 1500, within the interval
      expect(await room.markLapsed(eventId, 'b1', 2000, 1500)).toBe(false); // seen at 1500: there
      expect(await room.markLapsed(eventId, 'b2', 2000, 1500)).toBe(true); // last seen at 1000: away
      expect((await room.readPlace(eventId, 'b2'))?.lapsedAt).toBe(2000);
      expect(await room.countWaiting(eventId, 0, 1200)).toBe(1); // b1 (b2 lapsed)
      expect(await room.countWaiting(eventId, 1, 1200)).toBe(0);
      await room.markLeft(eventId, 'b1', 2100);
      expect(await room.countWaiting(eventId, 0, 0)).toBe(0);
    });
  });
}
