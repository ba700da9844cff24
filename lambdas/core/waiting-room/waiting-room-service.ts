import type { BuyerWaitingRoomStatus, WaitingRoomCounter } from '../../../contract/waiting-room-view';
import type { EventRecord } from '../events/event-records';
import { SalesNotStarted } from '../platform/errors';
import { bindAdmission, giveUpPlace } from './admission';
import { verifyAdmission } from './admission-token';
import { admitPassedOver, advanceIfIdle } from './advance';
import { admissionsPerMinute, statusOf } from './buyer-status';
import { beforeSalesStart, drawIfDue } from './fair-start';
import { numberArrivals } from './numbering';
import type { WaitingRoomState } from './room-state';
import { activeWaitingRoom, checkInEverySeconds, roomOf, type WaitingRoomSettings } from './settings';
import type { WaitingRoomDeps, WaitingRoomPlace, WaitingRoomSource } from './waiting-room-repository';
import { waitingRoomDeps } from './waiting-room-store';

export type {
  BuyerWaitingRoomState,
  BuyerWaitingRoomStatus,
  WaitingRoomCounter,
} from '../../../contract/waiting-room-view';

/** A buyer in the waiting room (join, status, leave), its public counter, and the gate the order API passes. */

/**
 * Joins (or re-reads the place of) a buyer; the same buyer always gets the same position back. A
 * first join is one conditional write (in line, no number yet) and the batch writer's numbering
 * of it: 2 writes, both on the buyer's own item. A duplicate join writes nothing and uses no number.
 */
export async function joinWaitingRoom(
  source: WaitingRoomSource,
  event: EventRecord,
  buyerId: string,
  signingKey: string,
): Promise<BuyerWaitingRoomStatus> {
  const deps = waitingRoomDeps(source);
  const settings = roomOf(event);
  if (beforeSalesStart(settings, deps.now())) {
    // A fair start: no number before the start, only a place in the pre-queue (one write).
    await deps.room.preQueue(event.eventId, buyerId, deps.now());
    return preQueueStatus(deps, event, settings, buyerId);
  }
  await drawIfDue(deps, event.eventId, settings);
  // The usual case: in line with one conditional write, no read first.
  if (!(await deps.room.enqueue(event.eventId, buyerId, deps.now()))) {
    const place = await deps.room.readPlace(event.eventId, buyerId);
    if (place) {
      const state = await deps.room.readState(event.eventId);
      // A place whose admission still holds a slot (an order running) stays, even after leaving.
      const holdsSlot = state.active[buyerId]?.position === place.position;
      const used = place.admittedAt !== undefined || place.leftAt !== undefined || place.lapsedAt !== undefined;
      if (!used || holdsSlot) {
        // A join writes the room only in a quiet room with an idle slot (nobody else would admit them soon).
        const moved = await advanceIfIdle(deps, event.eventId, settings, state);
        return statusOf(event, settings, buyerId, place, moved, signingKey, deps.now());
      }
      // Used: a new place at the back (as in any real queue), in one write; quiet when a concurrent rejoin did it.
      await deps.room.requeue(event.eventId, buyerId, place.position, deps.now());
    }
    // Otherwise in line already, without a number yet (a duplicate join): nothing written.
  }
  return placeInLine(deps, event, settings, buyerId, signingKey);
}

/**
 * How often a join in line without a number looks for it while another writer numbers the line
 * (≈ 0.4 s): then it answers without one and the page asks again (a Lambda is not kept waiting).
 */
const NUMBER_WAITS = 4;

/**
 * The status of a buyer in line without a number: the batch writer runs (one writer at a time;
 * the others return at once) and the buyer's place is read. While another writer numbers the
 * line the buyer waits for it briefly (≈ 0.4 s), reading only their own item; still without
 * a number, they are told WAITING without a position ("taking your place in line") and ask again.
 */
async function placeInLine(
  deps: WaitingRoomDeps,
  event: EventRecord,
  settings: WaitingRoomSettings,
  buyerId: string,
  signingKey: string,
): Promise<BuyerWaitingRoomStatus> {
  const sleep = deps.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
  let state = await numberArrivals(deps, event.eventId, settings, buyerId);
  let place = await deps.room.readPlace(event.eventId, buyerId);
  // Another writer is numbering the line: only the buyer's own item is read while it does; the
  // writer is tried once more at the end (its batch may have ended without this entry).
  for (let attempt = 0; !place && attempt < NUMBER_WAITS; attempt++) {
    await sleep(25 * 2 ** attempt);
    if (attempt === NUMBER_WAITS - 1) state = await numberArrivals(deps, event.eventId, settings, buyerId);
    place = await deps.room.readPlace(event.eventId, buyerId);
  }
  state = await advanceIfIdle(deps, event.eventId, settings, state);
  return statusOf(event, settings, buyerId, place ?? 'joining', state, signingKey, deps.now());
}

/** A pre-queued buyer's status before the start: no position yet, the start to count down to. */
async function preQueueStatus(
  deps: WaitingRoomDeps,
  event: EventRecord,
  settings: WaitingRoomSettings,
  buyerId: string,
): Promise<BuyerWaitingRoomStatus> {
  const now = deps.now();
  const joinedAt = await deps.room.readPreQueue(event.eventId, buyerId);
  if (joinedAt !== undefined) await checkIn(deps, event.eventId, buyerId, settings, now);
  return {
    eventId: event.eventId,
    state: joinedAt === undefined ? 'NOT_JOINED' : 'PRE_QUEUE',
    servingPosition: 0,
    peopleAhead: 0,
    activePurchasers: 0,
    maxActivePurchasers: settings.maxActivePurchasers,
    soldOut: false,
    ...(event.salesStartAt ? { salesStartAt: event.salesStartAt } : {}),
    checkInEverySeconds: checkInEverySeconds(settings),
  };
}

/** The page's check-in: written at most once per check-in interval, however often it polls. */
async function checkIn(
  deps: WaitingRoomDeps,
  eventId: string,
  buyerId: string,
  settings: WaitingRoomSettings,
  now: number,
): Promise<void> {
  await deps.room.checkIn(eventId, buyerId, now, now - checkInEverySeconds(settings) * 1000);
}

/** Where the buyer stands now; moves the queue along on the way (cheap when nothing changed). */
export async function buyerWaitingRoomStatus(
  source: WaitingRoomSource,
  event: EventRecord,
  buyerId: string,
  signingKey: string,
): Promise<BuyerWaitingRoomStatus> {
  const deps = waitingRoomDeps(source);
  const settings = roomOf(event);
  if (beforeSalesStart(settings, deps.now())) return preQueueStatus(deps, event, settings, buyerId);
  await drawIfDue(deps, event.eventId, settings);
  let place = await deps.room.readPlace(event.eventId, buyerId);
  // In line without a number yet (a join whose batch was not written, or a pre-queue join the
  // draw missed): the batch writer numbers it now, first come, first served.
  if (!place && (await deps.room.readArrival(event.eventId, buyerId))) {
    await checkIn(deps, event.eventId, buyerId, settings, deps.now());
    return placeInLine(deps, event, settings, buyerId, signingKey);
  }
  // The page checks in (a LAPSED place stays lapsed: the buyer rejoins) — only when one is due by
  // the place just read, so a poll within the interval costs no write request at all.
  const checkInDue = (seen: number | undefined) =>
    seen === undefined || seen < deps.now() - checkInEverySeconds(settings) * 1000;
  if (place && place.lapsedAt === undefined && checkInDue(place.lastSeenAt))
    await checkIn(deps, event.eventId, buyerId, settings, deps.now());
  // Reads only, unless a slot is idle (a quiet room): the batch writer moves a busy line.
  let state = await advanceIfIdle(
    deps,
    event.eventId,
    settings,
    await roomForStatus(deps, event.eventId, place, settings),
  );
  const slot = state.active[buyerId];
  // The writer admitted the place but died before noting it there: noted now (the token binds on it).
  if (place && slot?.position === place.position && place.admittedAt === undefined) {
    await deps.room.markAdmitted(event.eventId, buyerId, slot);
    place = { ...place, admittedAt: slot.admittedAt, admissionUntil: slot.until };
  }
  const passedOver =
    place &&
    place.position <= state.servingPosition &&
    place.admittedAt === undefined &&
    place.leftAt === undefined &&
    place.lapsedAt === undefined;
  if (place && passedOver && !state.active[buyerId]) {
    state = await admitPassedOver(deps, event.eventId, buyerId, place.position, settings);
  }
  return statusOf(event, settings, buyerId, place, state, signingKey, deps.now());
}

/**
 * A status read of a buyer far back in line may use the room as this process read it up to this
 * long ago: the room item is read at most once a second per process (Lambda container) for them,
 * however long the line — its size grows with the slots (≈ 90 bytes each: 1,000 slots ≈ 23 RCU a
 * strongly consistent read), so one read per waiting page's check-in would not scale.
 */
const FAR_BACK_ROOM_MAX_AGE_MS = 1000;
const recentRooms = new WeakMap<object, Map<string, { state: WaitingRoomState; readAt: number }>>();

/**
 * The room for a buyer's status read: read afresh (consistent) unless the buyer is far back — not
 * admitted, more than a full set of slots after the serving position of a read of this process
 * under a second old — where a second's lag changes only the people-ahead count a little. A buyer
 * the line may have reached always gets a fresh read (the token depends on it).
 */
async function roomForStatus(
  deps: WaitingRoomDeps,
  eventId: string,
  place: WaitingRoomPlace | undefined,
  settings: WaitingRoomSettings,
): Promise<WaitingRoomState> {
  const recent = recentRooms.get(deps.room) ?? new Map<string, { state: WaitingRoomState; readAt: number }>();
  recentRooms.set(deps.room, recent);
  const now = deps.now();
  const last = recent.get(eventId);
  const farBack =
    place !== undefined &&
    place.admittedAt === undefined &&
    last !== undefined &&
    now - last.readAt < FAR_BACK_ROOM_MAX_AGE_MS &&
    place.position > last.state.servingPosition + settings.maxActivePurchasers;
  if (farBack) return last.state;
  const state = await deps.room.readState(eventId);
  recent.set(eventId, { state, readAt: now });
  return state;
}

/**
 * The order API's gate: with the room on, only a buyer with a valid admission token and a live
 * admission of that place may start an order, and the admission is then bound to that order (on
 * the buyer's place: no write of the room item) until it ends: one admission, one order (see
 * bindAdmission). Returns the undo for an order that could not be created after all.
 */
export async function admitOrder(
  source: WaitingRoomSource,
  event: EventRecord,
  request: { buyerId: string; orderId: string; admissionToken: string | undefined },
  signingKey: string,
): Promise<(reason: unknown) => Promise<void>> {
  const deps = waitingRoomDeps(source);
  // Orders are refused before the sale opens, with or without a waiting room.
  if (event.salesStartAt !== undefined && deps.now() < Date.parse(event.salesStartAt))
    throw new SalesNotStarted(event.salesStartAt);
  const settings = activeWaitingRoom(event);
  if (!settings) return async () => undefined;
  const position = await verifyAdmission(signingKey, request.admissionToken, {
    buyerId: request.buyerId,
    eventId: event.eventId,
    now: deps.now(),
  });
  return bindAdmission(deps, event.eventId, settings, {
    buyerId: request.buyerId,
    position,
    orderId: request.orderId,
    holdSeconds: event.holdSeconds,
  });
}

/**
 * The room's public counter (one read of the room item, no write, no buyer): what a waiting page
 * polls between its own check-ins.
 */
export async function waitingRoomCounter(source: WaitingRoomSource, event: EventRecord): Promise<WaitingRoomCounter> {
  const deps = waitingRoomDeps(source);
  const settings = roomOf(event);
  const state = await deps.room.readState(event.eventId);
  const rate = admissionsPerMinute(state, deps.now());
  return {
    eventId: event.eventId,
    servingPosition: state.servingPosition,
    activePurchasers: Object.keys(state.active).length,
    maxActivePurchasers: settings.maxActivePurchasers,
    soldOut: state.soldOut === true,
    ...(event.salesStartAt ? { salesStartAt: event.salesStartAt } : {}),
    drawn: state.draw?.complete === true,
    ...(rate === undefined ? {} : { admissionsPerMinute: rate }),
    version: state.version,
  };
}

/** The buyer leaves the line (or gives an unused admission back). */
export async function leaveWaitingRoom(
  source: WaitingRoomSource,
  event: EventRecord,
  buyerId: string,
  signingKey: string,
): Promise<BuyerWaitingRoomStatus> {
  const deps = waitingRoomDeps(source);
  const settings = roomOf(event);
  // Still without a number: numbered first, so the line passes over the place it leaves.
  if (await deps.room.readArrival(event.eventId, buyerId)) await numberArrivals(deps, event.eventId, settings);
  await giveUpPlace(deps, event.eventId, settings, buyerId);
  return buyerWaitingRoomStatus(deps, event, buyerId, signingKey);
}
