import type { EventRecord } from '../events/event-records';
import { InvalidSeat, SeatsTaken, SoldOut, ValidationFailed } from '../platform/errors';
import type { Store } from '../platform/store';
import { type Availability, readAvailability } from './availability';
import { pickBestAvailable, type SeatCandidate } from './best-available';
import { recentTakesOf } from './recent-takes';
import { isSeatOf, parseSeatId } from './seat-ids';
import { effectiveStatus, isHeldBy } from './seat-item';
import { changeHeldSeats, type HoldChange, holdSeats } from './seat-locks';
import { readHoldableSeats } from './seat-map';

/**
 * Holding seats for an order under the event's rules (seat map, seats per order, hold time):
 * specific seats, or "best available" by quantity.
 */

export type SeatSelection = { readonly seatIds: readonly string[] } | { readonly quantity: number };

export interface OrderHold {
  readonly eventId: string;
  readonly orderId: string;
  readonly seatIds: string[];
  /** Epoch ms. */
  readonly holdExpiresAt: number;
}

/** How many picks best-available makes before it gives up. */
const MAX_PICKS = 8;

export interface HoldOptions {
  /**
   * The order id is brand new (open-order.ts claims a fresh one per create), so it can hold no
   * seat yet: best available may pick from the availability summary. Otherwise the call may be a
   * retry of one that already held seats, which only the seat map shows (kept on retry).
   */
  readonly newOrder?: boolean;
  /** The availability summary the caller already read (so the create path reads it once). */
  readonly availability?: Availability;
}

export async function holdForOrder(
  store: Store,
  event: EventRecord,
  orderId: string,
  selection: SeatSelection,
  options: HoldOptions = {},
): Promise<OrderHold> {
  checkOnSale(event);
  const holdExpiresAt = store.now() + event.holdSeconds * 1000;
  if ('quantity' in selection) {
    checkQuantity(event, selection.quantity);
    const availability = options.newOrder
      ? (options.availability ?? (await readAvailability(store, event.eventId)))
      : undefined;
    const seatIds = availability
      ? await holdFromSummary(store, event, orderId, selection.quantity, holdExpiresAt, availability)
      : await holdBestAvailable(store, event, orderId, selection.quantity, holdExpiresAt);
    return { eventId: event.eventId, orderId, seatIds, holdExpiresAt };
  }
  const seatIds = checkSeatIds(event, selection.seatIds);
  await holdSeats(store, { eventId: event.eventId, orderId, seatIds, holdExpiresAt });
  return { eventId: event.eventId, orderId, seatIds, holdExpiresAt };
}

/**
 * Moves an order's hold to other seats. The hold keeps its deadline (`holdExpiresAt`, fixed when
 * the order was created): changing seats never buys more time, so an order's life stays bounded.
 */
export async function changeOrderSeats(
  store: Store,
  event: EventRecord,
  request: { orderId: string; heldSeatIds: readonly string[]; seatIds: readonly string[]; holdExpiresAt: number },
): Promise<OrderHold & { change: HoldChange }> {
  checkOnSale(event);
  const seatIds = checkSeatIds(event, request.seatIds);
  const { holdExpiresAt } = request;
  const change = await changeHeldSeats(store, {
    eventId: event.eventId,
    orderId: request.orderId,
    heldSeatIds: request.heldSeatIds,
    seatIds,
    holdExpiresAt,
  });
  return { eventId: event.eventId, orderId: request.orderId, seatIds, holdExpiresAt, change };
}

/** Whether the selection is one this event could ever grant (on sale, seats of its map, within its limit). */
export function checkSelection(event: EventRecord, selection: SeatSelection): void {
  checkOnSale(event);
  if ('quantity' in selection) checkQuantity(event, selection.quantity);
  else checkSeatIds(event, selection.seatIds);
}

function checkOnSale(event: EventRecord): void {
  if (event.status !== 'ON_SALE') throw new ValidationFailed([`event ${event.eventId} is not on sale`]);
}

function checkQuantity(event: EventRecord, quantity: number): void {
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > event.maxSeatsPerOrder) {
    throw new ValidationFailed([`quantity must be a whole number from 1 to ${event.maxSeatsPerOrder}`]);
  }
}

/** The seats exist in the event's map, are listed once, and are not more than one order may hold. */
export function checkSeatIds(event: EventRecord, seatIds: readonly string[]): string[] {
  checkQuantity(event, seatIds.length);
  if (new Set(seatIds).size !== seatIds.length) throw new ValidationFailed(['a seat is listed twice']);
  const invalid = seatIds.filter((id) => !isSeatOf(id, event.rows, event.seatsPerRow));
  if (invalid.length > 0) throw new InvalidSeat(invalid);
  return [...seatIds];
}

/**
 * Best available from the availability summary (no seat-map read): picks a random band of the
 * best free blocks the summary lists — without the seats this container is holding or has just
 * seen taken (seats/recent-takes.ts) — and holds them conditionally (the seat lock decides). A pick
 * that loses a race re-picks from a fresh random band twice as wide, without the seats it lost (the
 * summary may lag behind the writes that took them), at most MAX_PICKS times. Fewer candidates than asked
 * for is `SoldOut` with how many are left. Order ids are fresh per create (open-order.ts), so no
 * earlier hold of the same order has to be recognised here.
 */
async function holdFromSummary(
  store: Store,
  event: EventRecord,
  orderId: string,
  quantity: number,
  holdExpiresAt: number,
  availability: Availability,
): Promise<string[]> {
  const rowWidths = new Map(Array.from({ length: event.rows }, (_, row) => [row, event.seatsPerRow]));
  const candidates: SeatCandidate[] = availability.rows.flatMap((row) =>
    row.free.flatMap((seatId) => {
      const position = parseSeatId(seatId);
      return position ? [{ seatId, ...position }] : [];
    }),
  );
  const lost = new Set<string>();
  const takes = recentTakesOf(store);
  for (let pick = 0; pick < MAX_PICKS; pick++) {
    const free = candidates.filter((s) => !lost.has(s.seatId));
    // Seats this container is holding right now, or saw taken a moment ago, would only be refused.
    const untaken = free.filter((s) => !takes.isTaken(event.eventId, s.seatId));
    const chosen = pickBestAvailable(untaken, quantity, store.random, rowWidths, 2 ** pick);
    if (!chosen) throw new SoldOut(quantity, untaken.length);
    try {
      await holdSeats(store, { eventId: event.eventId, orderId, seatIds: chosen, holdExpiresAt });
      return chosen;
    } catch (error) {
      if (!(error instanceof SeatsTaken)) throw error;
      // A transaction names no culprit when it is refused as a whole: all its seats count as lost.
      for (const seatId of error.seatIds.length > 0 ? error.seatIds : chosen) lost.add(seatId);
    }
  }
  throw new SeatsTaken([...lost]);
}

/**
 * For an order id that may already hold seats (a retried call), and for an event without a
 * summary (created before it existed): reads the seat map (eventually consistent: the conditional write is the arbiter, not the read),
 * picks from the free seats and holds them. A pick that loses a race re-reads the map, so losers
 * learn quickly that the event sold out instead of retrying against a stale picture; seats lost in
 * this request stay excluded in case the read lags behind the write that took them.
 */
async function holdBestAvailable(
  store: Store,
  event: EventRecord,
  orderId: string,
  quantity: number,
  holdExpiresAt: number,
): Promise<string[]> {
  const rowWidths = new Map(Array.from({ length: event.rows }, (_, row) => [row, event.seatsPerRow]));
  const lost = new Set<string>();
  for (let pick = 0; pick < MAX_PICKS; pick++) {
    const seats = await readHoldableSeats(store, event.eventId, orderId);
    const mine = seats.filter((s) => isHeldBy(s, orderId)).map((s) => s.seatId);
    if (pick === 0 && mine.length === quantity) {
      // A retry of a request that already succeeded: keep the same seats.
      await holdSeats(store, { eventId: event.eventId, orderId, seatIds: mine, holdExpiresAt });
      return mine;
    }
    const now = store.now();
    const free = seats.filter((s) => effectiveStatus(s, now) === 'AVAILABLE' && !lost.has(s.seatId));
    const chosen = pickBestAvailable(free, quantity, store.random, rowWidths);
    if (!chosen) throw new SoldOut(quantity, free.length);
    try {
      await holdSeats(store, { eventId: event.eventId, orderId, seatIds: chosen, holdExpiresAt });
      return chosen;
    } catch (error) {
      if (!(error instanceof SeatsTaken)) throw error;
      for (const seatId of error.seatIds) lost.add(seatId);
    }
  }
  throw new SeatsTaken([...lost]);
}
