import { createHash, createHmac, randomBytes } from 'node:crypto';
import { updateWaitingRoomState } from './room-state';
import type { WaitingRoomSettings } from './settings';
import type { WaitingRoomDeps, WaitingRoomState } from './waiting-room-repository';

/**
 * A fair start (issue #12): buyers who come before `salesStartAt` wait in a pre-queue without a
 * position; at the start everyone in it gets a uniformly random place, then later arrivals queue
 * first come, first served behind them. Arrival speed before the start decides nothing.
 *
 * The draw: a seed of 32 bytes from crypto.randomBytes, and the order of the pre-queue sorted by
 * HMAC-SHA256(seed, buyerId). With a secret, uniformly random key each buyer's HMAC is an
 * independent uniform 256-bit number, so the sorted order is a uniformly random permutation, and
 * anyone holding the seed and the pre-queue can recompute it (the audit: `verifyDraw`). The seed
 * is recorded on the room item before any position is written, so a draw that dies half-way is
 * finished by the next caller with the same seed, and never drawn twice.
 */

/** How many drawn places are written at once. */
const PLACE_CONCURRENCY = 25;

/** The pre-queue in drawn order (pure): buyer ids sorted by HMAC-SHA256(seed, buyerId). */
export function drawOrder(seed: string, buyerIds: readonly string[]): string[] {
  const key = Buffer.from(seed, 'hex');
  return buyerIds
    .map((buyerId) => ({ buyerId, rank: createHmac('sha256', key).update(buyerId).digest('hex') }))
    .sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : a.buyerId < b.buyerId ? -1 : 1))
    .map((entry) => entry.buyerId);
}

/** The recorded fingerprint of a drawn order: SHA-256 of the buyer ids in position order, one a line. */
export function drawDigest(order: readonly string[]): string {
  return createHash('sha256').update(order.join('\n')).digest('hex');
}

/** True before the sale opens (a fair start's pre-queue is open, orders are refused). */
export function beforeSalesStart(settings: Pick<WaitingRoomSettings, 'salesStartAt'>, now: number): boolean {
  return settings.salesStartAt !== undefined && now < settings.salesStartAt;
}

/**
 * Draws the pre-queue once the sale has opened, unless it was drawn: records a fresh seed (or
 * takes over the seed of a draw that died), writes each entrant's position 1…n, and marks the
 * draw complete with n numbers issued (later arrivals are numbered after them). Idempotent and
 * safe to run concurrently (every write is conditional: a place is written once, the seed once). Returns the room after it (undefined, without reading it, when the event has
 * no fair start or it has not begun); the room admits nobody until the draw is complete.
 */
export async function drawIfDue(
  deps: WaitingRoomDeps,
  eventId: string,
  settings: WaitingRoomSettings,
): Promise<WaitingRoomState | undefined> {
  if (settings.salesStartAt === undefined || beforeSalesStart(settings, deps.now())) return undefined;
  let state = await deps.room.readState(eventId);
  if (state.draw?.complete) return state;
  if (!state.draw) {
    const seed = randomBytes(32).toString('hex');
    const drawnAt = deps.now();
    state = await updateWaitingRoomState(deps, eventId, async (current) =>
      current.draw ? undefined : { ...current, draw: { seed, drawnAt, entrants: 0, digest: '', complete: false } },
    );
  }
  const draw = state.draw;
  if (!draw || draw.complete) return state;
  const entrants = await deps.room.preQueued(eventId);
  const joinedAt = new Map(entrants.map((entry) => [entry.buyerId, entry.joinedAt]));
  const order = drawOrder(
    draw.seed,
    entrants.map((entry) => entry.buyerId),
  );
  for (let from = 0; from < order.length; from += PLACE_CONCURRENCY) {
    // A place is written once: a rerun of a draw leaves the places already written as they are.
    await Promise.all(
      order
        .slice(from, from + PLACE_CONCURRENCY)
        .map((buyerId, i) =>
          deps.room.placeBuyer(eventId, buyerId, from + i + 1, joinedAt.get(buyerId) ?? draw.drawnAt),
        ),
    );
  }
  const digest = drawDigest(order);
  return updateWaitingRoomState(deps, eventId, async (current) =>
    !current.draw || current.draw.complete
      ? undefined
      : {
          ...current,
          draw: { ...current.draw, entrants: order.length, digest, complete: true },
          // Later arrivals are numbered after the drawn ones (nobody is numbered before the draw).
          issued: Math.max(current.issued ?? 0, order.length),
        },
  );
}

export interface DrawAudit {
  readonly seed: string;
  readonly drawnAt: number;
  readonly entrants: number;
  readonly digest: string;
  /** The digest recomputed from the seed and today's pre-queue matches the one recorded. */
  readonly digestMatches: boolean;
  /** Entrants whose position is not the one the seed gives them (a pre-queue join that landed after the draw). */
  readonly misplaced: readonly { buyerId: string; drawn: number; position?: number }[];
}

/**
 * The operator's audit of a fair start: recomputes the order from the recorded seed and the
 * pre-queue, and checks it against the recorded digest and the positions written. Undefined
 * before the draw.
 */
export async function auditDraw(deps: WaitingRoomDeps, eventId: string): Promise<DrawAudit | undefined> {
  const { draw } = await deps.room.readState(eventId);
  if (!draw?.complete) return undefined;
  const entrants = await deps.room.preQueued(eventId);
  const position = new Map(entrants.map((entry) => [entry.buyerId, entry.position]));
  const order = drawOrder(
    draw.seed,
    entrants.map((entry) => entry.buyerId),
  );
  const misplaced = order.flatMap((buyerId, i) => {
    const placed = position.get(buyerId);
    return placed === i + 1 ? [] : [{ buyerId, drawn: i + 1, ...(placed === undefined ? {} : { position: placed }) }];
  });
  return {
    seed: draw.seed,
    drawnAt: draw.drawnAt,
    entrants: draw.entrants,
    digest: draw.digest,
    digestMatches: drawDigest(order) === draw.digest,
    misplaced,
  };
}
