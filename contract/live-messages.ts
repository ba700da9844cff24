import type { DashboardView } from './dashboard-view';
import type { SeatStatus } from './event-views';
import type { OrderView } from './order-view';

/**
 * The live-update protocol shared by the broadcaster and the browser (which imports this file by
 * relative path). No runtime imports on purpose: it must bundle into the frontend as it is.
 */

/** A seat's state as the live updates carry it (the same three as the snapshot's). */
export type LiveSeatStatus = SeatStatus;

/** One changed seat: its newest state in a stream batch. */
export interface SeatDelta {
  readonly seatId: string;
  readonly status: LiveSeatStatus;
  readonly version: number;
  /** Epoch ms; present only while HELD. */
  readonly holdExpiresAt?: number;
}

/**
 * Server → client: every seat of one event that changed during one tick (see docs/ARCHITECTURE.md,
 * "Live updates"), taking the map from `baseVersion` to `version`. A client whose map is not at
 * `baseVersion` missed a tick and refetches the snapshot (`nextMapStep`).
 */
export interface SeatsMessage {
  readonly type: 'seats';
  readonly eventId: string;
  readonly seats: readonly SeatDelta[];
  /** The seat-map version these deltas produce. */
  readonly version?: number;
  /** The seat-map version they apply to (`version − 1`). */
  readonly baseVersion?: number;
  /**
   * When `version` was built (epoch ms): tells the server's part of a change's delay (stream, tick,
   * build) from the delivery's (shard posts, the socket, the client).
   */
  readonly builtAt?: number;
}

/**
 * Server → client, the answer to a subscribe when the event already has as many socket viewers as
 * the `@connections` budget allows: no seat deltas for this socket; poll the cached snapshot
 * (`GET /api/events/{eventId}/seat-map`) instead. Buyers with an open order are never crowded out.
 */
export interface CrowdedMessage {
  readonly type: 'crowded';
  readonly eventId: string;
  /** How often to poll the snapshot, ms. */
  readonly pollMs: number;
}

/** Server → client, only to the order's buyer: the order as it is now. */
export interface OrderMessage {
  readonly type: 'order';
  readonly order: OrderView;
}

/** Server → client, to every viewer of the event: its waiting room moved. */
export interface WaitingRoomMessage {
  readonly type: 'queue';
  readonly eventId: string;
  /** Every place up to here has been served: people ahead of place p ≈ p − servingPosition − 1. */
  readonly servingPosition: number;
  readonly activePurchasers: number;
  readonly soldOut: boolean;
  /** Keep the message with the highest version. */
  readonly version: number;
}

/** Server → client, the answer to a subscribe: deltas for `eventId` flow from now on. */
export interface SubscribedMessage {
  readonly type: 'subscribed';
  readonly eventId: string;
  /** Present for a dashboard subscribe: `dashboard` messages flow from now on (no seat deltas). */
  readonly view?: 'dashboard';
}

/**
 * Server → client, only to operator sockets subscribed to the event's dashboard: its figures as
 * they are now, at most about once a second per event while its map, orders or waiting room change.
 */
export interface DashboardMessage {
  readonly type: 'dashboard';
  readonly dashboard: DashboardView;
}

/** Server → client, the answer to a malformed subscribe. */
export interface ErrorMessage {
  readonly type: 'error';
  readonly code: string;
  readonly message: string;
}

export type LiveMessage =
  | SeatsMessage
  | OrderMessage
  | WaitingRoomMessage
  | SubscribedMessage
  | DashboardMessage
  | CrowdedMessage
  | ErrorMessage;

/**
 * Client → server: watch one event (replaces the previous subscription). `view: "dashboard"`, on a
 * socket connected with an operator session (`?staff=<token>`), watches the event's dashboard instead.
 */
export interface SubscribeRequest {
  readonly action: 'subscribe';
  readonly eventId: string;
  readonly view?: 'dashboard';
  /**
   * The buyer's session token (the one `?token=` carried): a buyer with an open order for the event
   * is never crowded out of the seat map. Sent again here because $connect records nothing a later
   * route could read the buyer from (a buyer's socket costs one write: issue #13). A bad token is
   * answered `Unauthorized`.
   */
  readonly token?: string;
}

/** The subscribe a client sent, or `undefined` when the body is not one. */
export function parseSubscribeRequest(body: string | undefined): SubscribeRequest | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body ?? '');
  } catch {
    return undefined;
  }
  const { action, eventId, view, token } = (typeof value === 'object' && value !== null ? value : {}) as Record<
    string,
    unknown
  >;
  const valid =
    action === 'subscribe' &&
    typeof eventId === 'string' &&
    eventId.length > 0 &&
    eventId.length <= MAX_EVENT_ID_LENGTH &&
    (view === undefined || view === 'dashboard') &&
    (token === undefined || (typeof token === 'string' && token.length > 0 && token.length <= MAX_TOKEN_LENGTH));
  if (!valid) return undefined;
  return {
    action,
    eventId,
    ...(view === 'dashboard' ? { view } : {}),
    ...(typeof token === 'string' ? { token } : {}),
  };
}

const MAX_EVENT_ID_LENGTH = 128;
/** A session token is a few hundred characters: anything far longer is not one. */
const MAX_TOKEN_LENGTH = 2_048;

/** Parses a server message; anything that is not one of ours is `undefined` (ignore it). */
export function parseLiveMessage(data: string): LiveMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { type } = value as { type?: unknown };
  return type === 'seats' ||
    type === 'order' ||
    type === 'queue' ||
    type === 'subscribed' ||
    type === 'dashboard' ||
    type === 'crowded' ||
    type === 'error'
    ? (value as LiveMessage)
    : undefined;
}

/** What a client keeps per seat; at least the fields a delta carries (extra fields are kept). */
export interface VersionedSeat {
  readonly seatId: string;
  readonly status: LiveSeatStatus;
  readonly version: number;
  readonly holdExpiresAt?: number;
}

/**
 * Applies a delta to a snapshot only where the delta's version is newer, so late, repeated or
 * out-of-order messages never undo a newer state. Seats the snapshot does not know are ignored
 * (the snapshot decides which seats exist). Returns the same array when nothing changed.
 */
export function applySeatDeltas<T extends VersionedSeat>(
  snapshot: readonly T[],
  deltas: readonly SeatDelta[],
): readonly T[] {
  const newest = new Map<string, SeatDelta>();
  for (const delta of deltas) {
    const known = newest.get(delta.seatId);
    if (!known || delta.version > known.version) newest.set(delta.seatId, delta);
  }
  let changed = false;
  const next = snapshot.map((seat) => {
    const delta = newest.get(seat.seatId);
    if (!delta || delta.version <= seat.version) return seat;
    changed = true;
    const { holdExpiresAt: _dropped, ...rest } = seat;
    const updated = { ...rest, status: delta.status, version: delta.version };
    return (delta.holdExpiresAt === undefined ? updated : { ...updated, holdExpiresAt: delta.holdExpiresAt }) as T;
  });
  return changed ? next : snapshot;
}

/** Keeps the newer of two views of an order (by `version`). */
export function newerOrder(current: OrderView | undefined, incoming: OrderView): OrderView {
  return current && current.version >= incoming.version ? current : incoming;
}

/**
 * What a client does with a `seats` message given the map version it holds: apply it (its base is
 * my version), ignore it (old or repeated: I am at its version or past it), or refetch the snapshot
 * (a gap: a tick was missed, or I have no versioned map yet). Messages without versions (older
 * servers) are applied by per-seat versions alone.
 */
export function nextMapStep(mapVersion: number | undefined, message: SeatsMessage): 'apply' | 'ignore' | 'refetch' {
  if (message.version === undefined || message.baseVersion === undefined) return 'apply';
  if (mapVersion === undefined) return 'refetch';
  if (message.version <= mapVersion) return 'ignore';
  return message.baseVersion === mapVersion ? 'apply' : 'refetch';
}

/**
 * The compact seat map served to pollers (`GET /api/events/{eventId}/seat-map`), one per event and
 * version, built once per tick: `states` has one character per seat index
 * (`rowIndex * seatsPerRow + number − 1`): `A` available, `H` held, `S` sold; `holds` gives each
 * held seat's `holdExpiresAt` by index (a lapsed hold counts as available, as everywhere).
 */
export interface SeatMapSnapshot {
  readonly eventId: string;
  readonly version: number;
  readonly rows: number;
  readonly seatsPerRow: number;
  readonly states: string;
  readonly holds: Readonly<Record<string, number>>;
  /** Epoch ms of the build. */
  readonly builtAt: number;
}

export const STATE_LETTERS: Readonly<Record<LiveSeatStatus, string>> = { AVAILABLE: 'A', HELD: 'H', SOLD: 'S' };
const LETTER_STATES: Readonly<Record<string, LiveSeatStatus>> = { A: 'AVAILABLE', H: 'HELD', S: 'SOLD' };

/** Row letters as seat ids use them: A..Z, then AA, AB, … */
export function rowLabel(rowIndex: number): string {
  let label = '';
  let n = rowIndex;
  do {
    label = String.fromCharCode(65 + (n % 26)) + label;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return label;
}

/** Every seat of a compact snapshot, front row first, as seat views (all at the map's version). */
export function expandSnapshot(snapshot: SeatMapSnapshot): {
  seatId: string;
  rowIndex: number;
  number: number;
  status: LiveSeatStatus;
  version: number;
  holdExpiresAt?: number;
}[] {
  const seats = [];
  for (let index = 0; index < snapshot.states.length; index++) {
    const rowIndex = Math.floor(index / snapshot.seatsPerRow);
    const number = (index % snapshot.seatsPerRow) + 1;
    const status = LETTER_STATES[snapshot.states[index]!] ?? 'AVAILABLE';
    const holdExpiresAt = status === 'HELD' ? snapshot.holds[String(index)] : undefined;
    seats.push({
      seatId: `${rowLabel(rowIndex)}${number}`,
      rowIndex,
      number,
      status,
      version: snapshot.version,
      ...(holdExpiresAt === undefined ? {} : { holdExpiresAt }),
    });
  }
  return seats;
}
