import type { EventRecord } from '../events/event-records';
import { advanceWaitingRoom } from './advance';
import { auditDraw, type DrawAudit } from './fair-start';
import { numberArrivals } from './numbering';
import { roomOf, type WaitingRoomSettings } from './settings';
import type { WaitingRoomSource } from './waiting-room-repository';
import { waitingRoomDeps } from './waiting-room-store';

/** What an operator sees of a waiting room (the console, the event dashboard). */

export interface OperatorWaitingRoomStatus {
  readonly eventId: string;
  readonly settings: WaitingRoomSettings;
  readonly servingPosition: number;
  readonly issuedPositions: number;
  readonly admittedCount: number;
  readonly activePurchasers: number;
  /** Buyers after the serving position still waiting: not left, not lapsed, seen lately. */
  readonly waitingCount: number;
  /** The fair start's draw and its audit (seed, entrants, digest, recomputed), once drawn. */
  readonly draw?: DrawAudit;
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
  await numberArrivals(deps, event.eventId, settings);
  const state = await advanceWaitingRoom(deps, event.eventId, settings);
  const now = deps.now();
  const waitingCount = await deps.room.countWaiting(
    event.eventId,
    state.servingPosition,
    now - settings.abandonAfterSeconds * 1000,
  );
  const draw = await auditDraw(deps, event.eventId);
  const limit = Math.min(Math.max(page.limit ?? 50, 1), 500);
  const { places, more } = await deps.room.placesAfter(
    event.eventId,
    Math.max(page.after ?? 0, state.servingPosition),
    limit,
  );
  const waiting = places
    .filter((p) => p.leftAt === undefined && p.lapsedAt === undefined)
    .map(({ buyerId, position, joinedAt }) => ({ buyerId, position, joinedAt }));
  const { salesStartAt: _start, ...roomSettings } = settings; // the start is the event's, not a room setting
  // A slot's order is bound on the buyer's place; the room item knows it only once the writer looked.
  const active = await Promise.all(
    Object.entries(state.active).map(async ([buyerId, slot]) => {
      const place = slot.orderId === undefined ? await deps.room.readPlace(event.eventId, buyerId) : undefined;
      const orderId = slot.orderId ?? (place?.position === slot.position ? place.orderId : undefined);
      return { buyerId, position: slot.position, admittedAt: slot.admittedAt, ...(orderId ? { orderId } : {}) };
    }),
  );
  return {
    eventId: event.eventId,
    settings: roomSettings,
    servingPosition: state.servingPosition,
    issuedPositions: state.issued ?? 0,
    admittedCount: state.admittedCount,
    activePurchasers: Object.keys(state.active).length,
    waitingCount,
    ...(draw ? { draw } : {}),
    soldOut: state.soldOut === true,
    active: active.sort((a, b) => a.position - b.position),
    waiting,
    ...(more && waiting.length > 0 ? { nextAfter: waiting.at(-1)!.position } : {}),
  };
}
