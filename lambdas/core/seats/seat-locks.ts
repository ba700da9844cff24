import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import {
  AlreadyConfirmed,
  type DomainError,
  HoldExpired,
  InvalidSeat,
  NotYourOrder,
  SeatsTaken,
  ValidationFailed,
} from '../platform/errors';
import type { Store } from '../platform/store';
import { recentTakesOf } from './recent-takes';
import type { SeatItem } from './seat-item';
import {
  applySeatWrites,
  MAX_SEATS_PER_WRITE,
  type SeatWrite,
  type SeatWriteFailure,
  SeatWritesRejected,
} from './seat-writes';

/**
 * Seat lock operations for one order: hold, change, release, confirm. Each is all-or-nothing
 * and refuses with a domain error that names the seats concerned.
 */

export interface SeatLockRequest {
  readonly eventId: string;
  readonly orderId: string;
  readonly seatIds: readonly string[];
}

export interface HoldRequest extends SeatLockRequest {
  /** Epoch ms at which the hold lapses. */
  readonly holdExpiresAt: number;
}

export interface ChangeHoldRequest extends HoldRequest {
  /** The seats the order holds now; `seatIds` are the seats it wants to hold after the change. */
  readonly heldSeatIds: readonly string[];
}

export interface HoldChange {
  readonly added: string[];
  readonly kept: string[];
  readonly released: string[];
}

/**
 * Holds every seat for the order, or none. A retry by the same order succeeds again. This
 * container's best-available picks leave the seats out while the hold is written and for a
 * moment after (seats/recent-takes.ts), and the seats a refusal names too.
 */
export async function holdSeats(store: Store, request: HoldRequest): Promise<void> {
  checkSeatList(request.seatIds);
  const takes = recentTakesOf(store);
  takes.taking(request.eventId, request.seatIds);
  try {
    await writeOrRefuse(
      store,
      request,
      request.seatIds.map((seatId) => ({ seatId, kind: 'hold' })),
    );
  } catch (error) {
    takes.untake(request.eventId, request.seatIds);
    if (error instanceof SeatsTaken) takes.taken(request.eventId, error.seatIds);
    throw error;
  }
  takes.taken(request.eventId, request.seatIds, request.holdExpiresAt);
}

/**
 * Moves the order's hold to a new set of seats in one transaction: releases the dropped seats,
 * holds the added ones and refreshes the expiry of the kept ones. A dropped seat the order has
 * already lost (its hold lapsed and was released or taken) is simply left alone.
 */
export async function changeHeldSeats(store: Store, request: ChangeHoldRequest): Promise<HoldChange> {
  checkSeatList(request.seatIds);
  const wanted = new Set(request.seatIds);
  const held = new Set(request.heldSeatIds);
  const change: HoldChange = {
    added: request.seatIds.filter((id) => !held.has(id)),
    kept: request.seatIds.filter((id) => held.has(id)),
    released: request.heldSeatIds.filter((id) => !wanted.has(id)),
  };
  let writes: SeatWrite[] = [
    ...change.added.map((seatId) => ({ seatId, kind: 'hold' as const })),
    ...change.kept.map((seatId) => ({ seatId, kind: 'refresh' as const })),
    ...change.released.map((seatId) => ({ seatId, kind: 'release' as const })),
  ];
  if (writes.length > MAX_SEATS_PER_WRITE) {
    throw new ValidationFailed([`a change may touch at most ${MAX_SEATS_PER_WRITE} seats`]);
  }
  for (;;) {
    try {
      await applySeatWrites(store, request, writes);
      recentTakesOf(store).untake(request.eventId, change.released);
      return change;
    } catch (error) {
      const lost = lostReleases(error, request.orderId);
      if (lost.size === 0) throw refusal(error, request.orderId);
      writes = writes.filter((w) => !lost.has(w.seatId));
      change.released.splice(0, change.released.length, ...change.released.filter((id) => !lost.has(id)));
    }
  }
}

/**
 * Moves the expiry of the order's holds to `holdExpiresAt` (a pay request keeps its seats for the
 * payment window), all or none, and only while every seat is still HELD by the order: a seat it
 * lost is refused (HoldExpired / NotYourOrder), never taken back.
 */
export async function extendHolds(store: Store, request: HoldRequest): Promise<void> {
  checkSeatList(request.seatIds);
  await writeOrRefuse(
    store,
    request,
    request.seatIds.map((seatId) => ({ seatId, kind: 'refresh' })),
  );
}

/** Releases the order's hold on every seat, or refuses if any seat is not held by it. */
export async function releaseSeats(store: Store, request: SeatLockRequest): Promise<void> {
  checkSeatList(request.seatIds);
  await writeOrRefuse(
    store,
    request,
    request.seatIds.map((seatId) => ({ seatId, kind: 'release' })),
  );
  recentTakesOf(store).untake(request.eventId, request.seatIds);
}

/**
 * Turns the order's held seats into sold ones, all or none. Idempotent: confirming an order whose
 * seats are already sold to it succeeds again. Works on a lapsed hold nobody has taken yet.
 */
export async function confirmSeats(store: Store, request: SeatLockRequest): Promise<void> {
  checkSeatList(request.seatIds);
  try {
    await writeOrRefuse(
      store,
      request,
      request.seatIds.map((seatId) => ({ seatId, kind: 'confirm' })),
    );
  } catch (error) {
    if (error instanceof AlreadyConfirmed && (await allSoldTo(store, request))) return;
    throw error;
  }
}

function checkSeatList(seatIds: readonly string[]): void {
  const issues: string[] = [];
  if (seatIds.length === 0) issues.push('at least one seat is required');
  if (seatIds.length > MAX_SEATS_PER_WRITE) issues.push(`at most ${MAX_SEATS_PER_WRITE} seats at once`);
  if (new Set(seatIds).size !== seatIds.length) issues.push('a seat is listed twice');
  if (issues.length > 0) throw new ValidationFailed(issues);
}

async function writeOrRefuse(store: Store, request: SeatLockRequest & { holdExpiresAt?: number }, writes: SeatWrite[]) {
  try {
    await applySeatWrites(store, request, writes);
  } catch (error) {
    throw refusal(error, request.orderId);
  }
}

type Refusal = 'invalid' | 'taken' | 'notYours' | 'expired' | 'confirmed';

/** Why one seat's write failed, judged from the seat as it was at that moment. */
function refusalOf(failure: SeatWriteFailure, orderId: string): Refusal {
  const seat = failure.current;
  if (failure.reason === 'conflict') return 'taken';
  if (!seat) return 'invalid';
  if (failure.kind === 'hold') return 'taken';
  if (seat.orderId === orderId && seat.status === 'SOLD') return 'confirmed';
  if (seat.orderId !== undefined && seat.orderId !== orderId) return 'notYours';
  return 'expired';
}

// When several seats fail for different reasons, report the one the caller must fix first.
const REFUSAL_ORDER: readonly Refusal[] = ['invalid', 'taken', 'notYours', 'expired', 'confirmed'];
const REFUSAL_ERRORS: Record<Refusal, new (seatIds: readonly string[]) => DomainError> = {
  invalid: InvalidSeat,
  taken: SeatsTaken,
  notYours: NotYourOrder,
  expired: HoldExpired,
  confirmed: AlreadyConfirmed,
};

function refusal(error: unknown, orderId: string): unknown {
  if (!(error instanceof SeatWritesRejected)) return error;
  const byReason = new Map<Refusal, string[]>();
  for (const failure of error.failures) {
    const reason = refusalOf(failure, orderId);
    byReason.set(reason, [...(byReason.get(reason) ?? []), failure.seatId]);
  }
  const first = REFUSAL_ORDER.find((reason) => byReason.has(reason))!;
  return new REFUSAL_ERRORS[first](byReason.get(first)!);
}

/** Seats of a change's release part that the order no longer holds (and so need no release). */
function lostReleases(error: unknown, orderId: string): Set<string> {
  if (!(error instanceof SeatWritesRejected)) return new Set();
  const onlyLostReleases = error.failures.every(
    (f) => f.kind === 'release' && ['notYours', 'expired'].includes(refusalOf(f, orderId)),
  );
  return onlyLostReleases ? new Set(error.failures.map((f) => f.seatId)) : new Set();
}

async function allSoldTo(store: Store, request: SeatLockRequest): Promise<boolean> {
  const seats = await readSeatsById(store, request);
  return (
    seats.length === request.seatIds.length && seats.every((s) => s.status === 'SOLD' && s.orderId === request.orderId)
  );
}

/**
 * Releases whatever the order still holds of these seats, for flows that end an order: seats it
 * already lost (lapsed and taken, or released) are skipped. With `sold`, seats sold to the order
 * go back on sale too (compensation of an order that never completed). Returns the seats freed.
 */
export async function releaseStillHeld(
  store: Store,
  request: SeatLockRequest,
  options: { sold?: boolean } = {},
): Promise<string[]> {
  for (let attempt = 0; ; attempt++) {
    const mine = (await readSeatsById(store, request)).filter(
      (seat) =>
        seat.orderId === request.orderId &&
        (seat.status === 'HELD' || (options.sold === true && seat.status === 'SOLD')),
    );
    if (mine.length === 0) return [];
    const writes = mine.map((seat) => ({
      seatId: seat.seatId,
      kind: seat.status === 'SOLD' ? ('unsell' as const) : ('release' as const),
    }));
    try {
      await applySeatWrites(store, request, writes);
      const freed = writes.map((w) => w.seatId);
      recentTakesOf(store).untake(request.eventId, freed);
      return freed;
    } catch (error) {
      // A seat changed hands between our read and write: read again.
      if (!(error instanceof SeatWritesRejected) || attempt >= 3) throw refusal(error, request.orderId);
    }
  }
}

const UNPROCESSED_READ_RETRIES = 8;

/**
 * The seats, strongly consistent. Under throttling BatchGetItem answers with part of the keys in
 * `UnprocessedKeys` instead of failing: those are read again (with backoff), never taken as absent,
 * or a compensation would keep a seat it did not see and a lost confirm answer would look refused.
 */
async function readSeatsById(store: Store, request: SeatLockRequest): Promise<SeatItem[]> {
  const seats: SeatItem[] = [];
  let keys: Record<string, unknown>[] = request.seatIds.map((seatId) => ({ eventId: request.eventId, seatId }));
  for (let attempt = 0; keys.length > 0; attempt++) {
    if (attempt > UNPROCESSED_READ_RETRIES) throw new Error('DynamoDB kept leaving seat reads unprocessed');
    if (attempt > 0) await sleep(Math.min(1000, 25 * 2 ** attempt) * (0.5 + store.random() / 2));
    const result = await store.doc.send(
      new BatchGetCommand({ RequestItems: { [store.tables.seats]: { Keys: keys, ConsistentRead: true } } }),
    );
    seats.push(...((result.Responses?.[store.tables.seats] ?? []) as SeatItem[]));
    keys = result.UnprocessedKeys?.[store.tables.seats]?.Keys ?? [];
  }
  return seats;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
