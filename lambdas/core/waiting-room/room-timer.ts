import type { EventRecord } from '../events/event-records';
import { advanceWaitingRoom } from './advance';
import { drawIfDue } from './fair-start';
import { numberArrivals } from './numbering';
import { activeWaitingRoom } from './settings';
import type { WaitingRoomSource, WaitingRoomState } from './waiting-room-repository';
import { waitingRoomDeps } from './waiting-room-store';

/**
 * The room's timer (run by the reconciler's schedule: EventBridge on AWS, the local stack's
 * timer locally): draws a fair start that is due, numbers whoever is in line without a number, and moves the line along — lapsed admissions
 * freed, the next buyers admitted — even when no buyer reads and no order ends. Everything it
 * does is what a read or an order end would do, so running it any time is harmless.
 */
export async function moveWaitingRoom(
  source: WaitingRoomSource,
  event: EventRecord,
): Promise<WaitingRoomState | undefined> {
  const settings = activeWaitingRoom(event);
  if (!settings) return undefined;
  const deps = waitingRoomDeps(source);
  await drawIfDue(deps, event.eventId, settings);
  await numberArrivals(deps, event.eventId, settings);
  return advanceWaitingRoom(deps, event.eventId, settings);
}
