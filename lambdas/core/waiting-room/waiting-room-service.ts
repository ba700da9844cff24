import type { BuyerWaitingRoomStatus } from '../../../contract/waiting-room-view';
import type { EventRecord } from '../events/event-records';
import { ValidationFailed } from '../platform/errors';
import { admitPassedOver, advanceWaitingRoom, claimSlotForOrder, giveUpPlace } from './admission';
import { signAdmission, verifyAdmission } from './admission-token';
import { claimPosition, issuedPositions, type WaitingRoomPlace } from './positions';
import type { WaitingRoomState } from './room-state';
import { activeWaitingRoom, type WaitingRoomSettings } from './settings';
import type { WaitingRoomDeps, WaitingRoomSource } from './waiting-room-repository';
import { waitingRoomDeps } from './waiting-room-store';

export type { BuyerWaitingRoomState, BuyerWaitingRoomStatus } from '../../../contract/waiting-room-view';

/** What a buyer and an operator see of the waiting room, and the gate the order API passes. */

function roomOf(event: EventRecord): WaitingRoomSettings {
  const settings = activeWaitingRoom(event);
  if (!settings) throw new ValidationFailed([`event ${event.eventId} has no waiting room: buy directly`]);
  return settings;
}

/** Joins (or re-reads the place of) a buyer; the same buyer always gets the same position back. */
export async function joinWaitingRoom(
  source: WaitingRoomSource,
  event: EventRecord,
  buyerId: string,
  signingKey: string,
): Promise<BuyerWaitingRoomStatus> {
  const deps = waitingRoomDeps(source);
  const settings = roomOf(event);
  let place = await claimPosition(deps, event.eventId, buyerId, settings);
  if (place.leftAt !== undefined || (await hasUsedAdmission(deps, event.eventId, place))) {
    place = await requeue(deps, event.eventId, buyerId, place, settings);
  }
  const state = await advanceWaitingRoom(deps, event.eventId, settings);
  return statusOf(event, settings, buyerId, place, state, signingKey);
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
  const place = await deps.room.readPlace(event.eventId, buyerId);
  let state = await advanceWaitingRoom(deps, event.eventId, settings);
  const passedOver =
    place && place.position <= state.servingPosition && place.admittedAt === undefined && place.leftAt === undefined;
  if (passedOver && !state.active[buyerId]) {
    state = await admitPassedOver(deps, event.eventId, buyerId, place.position, settings);
  }
  return statusOf(event, settings, buyerId, place, state, signingKey);
}

/**
 * The order API's gate: with the room on, only a buyer with a valid admission token and a live
 * slot of that admission may start an order, and the slot is then bound to that order until it
 * ends: one admission, one order (see claimSlotForOrder). Returns the undo for an order that
 * could not be created after all.
 */
export async function admitOrder(
  source: WaitingRoomSource,
  event: EventRecord,
  request: { buyerId: string; orderId: string; admissionToken: string | undefined },
  signingKey: string,
): Promise<(reason: unknown) => Promise<void>> {
  const deps = waitingRoomDeps(source);
  if (!activeWaitingRoom(event)) return async () => undefined;
  const position = await verifyAdmission(signingKey, request.admissionToken, {
    buyerId: request.buyerId,
    eventId: event.eventId,
    now: deps.now(),
  });
  return claimSlotForOrder(deps, event.eventId, {
    buyerId: request.buyerId,
    position,
    orderId: request.orderId,
    holdSeconds: event.holdSeconds,
  });
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
  await giveUpPlace(deps, event.eventId, settings, buyerId);
  return buyerWaitingRoomStatus(deps, event, buyerId, signingKey);
}

export interface OperatorWaitingRoomStatus {
  readonly eventId: string;
  readonly settings: WaitingRoomSettings;
  readonly servingPosition: number;
  readonly issuedPositions: number;
  readonly admittedCount: number;
  readonly activePurchasers: number;
  readonly waitingCount: number;
  readonly soldOut: boolean;
  readonly active: readonly { buyerId: string; position: number; admittedAt: number; orderId?: string }[];
  readonly waiting: readonly { buyerId: string; position: number; joinedAt: number }[];
  /** Pass as `after` for the next page of the waiting list. */
  readonly nextAfter?: number;
}

/** The operator's view: slots in use, how many wait, and the waiting list in position order (paged). */
export async function operatorWaitingRoomStatus(
  source: WaitingRoomSource,
  event: EventRecord,
  page: { after?: number; limit?: number } = {},
): Promise<OperatorWaitingRoomStatus> {
  const deps = waitingRoomDeps(source);
  const settings = roomOf(event);
  const state = await advanceWaitingRoom(deps, event.eventId, settings);
  const issued = await issuedPositions(deps, event.eventId, settings.positionShards);
  const limit = Math.min(Math.max(page.limit ?? 50, 1), 500);
  const { places, more } = await deps.room.placesAfter(
    event.eventId,
    Math.max(page.after ?? 0, state.servingPosition),
    limit,
  );
  const waiting = places.map(({ buyerId, position, joinedAt }) => ({ buyerId, position, joinedAt }));
  return {
    eventId: event.eventId,
    settings,
    servingPosition: state.servingPosition,
    issuedPositions: issued,
    admittedCount: state.admittedCount,
    activePurchasers: Object.keys(state.active).length,
    waitingCount: Math.max(0, issued - state.servingPosition),
    soldOut: state.soldOut === true,
    active: Object.entries(state.active)
      .map(([buyerId, slot]) => ({
        buyerId,
        position: slot.position,
        admittedAt: slot.admittedAt,
        ...(slot.orderId ? { orderId: slot.orderId } : {}),
      }))
      .sort((a, b) => a.position - b.position),
    waiting,
    ...(more && waiting.length > 0 ? { nextAfter: waiting.at(-1)!.position } : {}),
  };
}

async function statusOf(
  event: EventRecord,
  settings: WaitingRoomSettings,
  buyerId: string,
  place: WaitingRoomPlace | undefined,
  state: WaitingRoomState,
  signingKey: string,
): Promise<BuyerWaitingRoomStatus> {
  const activePurchasers = Object.keys(state.active).length;
  const common = {
    eventId: event.eventId,
    servingPosition: state.servingPosition,
    activePurchasers,
    maxActivePurchasers: settings.maxActivePurchasers,
    soldOut: state.soldOut === true,
  };
  if (!place) return { ...common, state: 'NOT_JOINED', peopleAhead: 0 };
  const slot = state.active[buyerId];
  if (slot) {
    const expiresAt = slot.until;
    const admissionToken = await signAdmission(signingKey, {
      buyerId,
      eventId: event.eventId,
      position: slot.position,
      expiresAt,
    });
    return {
      ...common,
      state: slot.orderId ? 'PURCHASING' : 'ADMITTED',
      position: place.position,
      peopleAhead: 0,
      admissionToken,
      admissionExpiresAt: expiresAt,
    };
  }
  if (place.leftAt !== undefined) return { ...common, state: 'LEFT', position: place.position, peopleAhead: 0 };
  if (place.position <= state.servingPosition)
    return {
      ...common,
      state: place.admittedAt === undefined ? 'WAITING' : 'DONE',
      position: place.position,
      peopleAhead: 0,
    };
  const peopleAhead = place.position - state.servingPosition - 1;
  return {
    ...common,
    state: 'WAITING',
    position: place.position,
    peopleAhead,
    estimatedWaitSeconds: estimateWait(peopleAhead, settings, event),
  };
}

/**
 * A rough wait: each slot serves one buyer per "purchase time", taken as half the hold time
 * (most buyers pay well before their hold runs out). Shown as an estimate, never promised.
 */
function estimateWait(peopleAhead: number, settings: WaitingRoomSettings, event: EventRecord): number {
  const purchaseSeconds = Math.max(30, event.holdSeconds / 2);
  return Math.ceil(((peopleAhead + 1) / settings.maxActivePurchasers) * purchaseSeconds);
}

/** True when this place was already served and its slot is gone (bought, or let it lapse). */
async function hasUsedAdmission(deps: WaitingRoomDeps, eventId: string, place: WaitingRoomPlace): Promise<boolean> {
  if (place.admittedAt === undefined) return false;
  const state = await deps.room.readState(eventId);
  return !state.active[place.buyerId];
}

/** A used place is given up for a new one at the back of the line (as in any real queue). */
async function requeue(
  deps: WaitingRoomDeps,
  eventId: string,
  buyerId: string,
  old: WaitingRoomPlace,
  settings: WaitingRoomSettings,
): Promise<WaitingRoomPlace> {
  await deps.room.clearPlace(eventId, buyerId, old.position); // quiet when a concurrent rejoin did it
  return claimPosition(deps, eventId, buyerId, settings);
}
