import type { EventRecord } from '../../lambdas/core/events/event-records';
import type { WaitingRoomSettings } from '../../lambdas/core/waiting-room/settings';
import type { WaitingRoomDeps, WaitingRoomRepository } from '../../lambdas/core/waiting-room/waiting-room-repository';
import { FakeOrderRepository } from './fakes/fake-order-repository';
import { FakeWaitingRoomRepository } from './fakes/fake-waiting-room-repository';

/** A hand-moved clock for the waiting room's unit tests. */
export interface TestClock {
  now: number;
}

/**
 * The waiting room's dependencies on in-memory fakes, on `clock`: `room` defaults to the returned
 * fake repository (a test may wrap it, e.g. to count writes); retries wait one turn of the event loop.
 */
export function fakeWaitingRoomDeps(
  clock: TestClock,
  options: { room?: (repo: FakeWaitingRoomRepository) => WaitingRoomRepository } = {},
): { deps: WaitingRoomDeps; repo: FakeWaitingRoomRepository; orders: FakeOrderRepository } {
  const repo = new FakeWaitingRoomRepository();
  const orders = new FakeOrderRepository(() => clock.now);
  const deps: WaitingRoomDeps = {
    room: options.room?.(repo) ?? repo,
    orders,
    now: () => clock.now,
    sleep: async () => {
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
  return { deps, repo, orders };
}

/** A 10-seat event on sale behind a waiting room (2 purchase slots unless `room` says otherwise). */
export function roomEvent(
  room: Partial<WaitingRoomSettings> = {},
  event: Partial<EventRecord> = {},
): EventRecord & { waitingRoom: WaitingRoomSettings } {
  const waitingRoom: WaitingRoomSettings = {
    enabled: true,
    maxActivePurchasers: 2,
    admissionSeconds: 60,
    abandonAfterSeconds: 3600,
    ...room,
  };
  return {
    eventId: 'ev',
    name: 'Drop',
    rows: 2,
    seatsPerRow: 5,
    priceCents: 1000,
    currency: 'EUR',
    holdSeconds: 60,
    maxSeatsPerOrder: 4,
    status: 'ON_SALE',
    seatCount: 10,
    createdAt: 0,
    ...event,
    waitingRoom,
  };
}
