import type { OrderRepository } from '../orders/order-repository';
import type { Store } from '../platform/store';

/**
 * The port in front of the waiting room's data: the room item (queues table, one per event,
 * written optimistically by version) and the buyers' places (buyers table).
 * The DynamoDB adapter is `waitingRoomRepository(store)` (waiting-room-store.ts), the in-memory
 * fake `test/support/fakes/`. The rules (positions, admission, slots) live in the policy modules.
 */
export interface WaitingRoomRepository {
  /** The room as last written (a consistent read); the empty room (version 0) when never written. */
  readState(eventId: string): Promise<WaitingRoomState>;
  /**
   * Writes `next` (as version `read.version + 1`, stamped `updatedAt`) if nobody wrote since `read`;
   * false when someone did.
   */
  writeState(read: WaitingRoomState, next: WaitingRoomStateChange, updatedAt: number): Promise<boolean>;

  /** The buyer's place (a consistent read), undefined when they hold none. */
  readPlace(eventId: string, buyerId: string): Promise<WaitingRoomPlace | undefined>;
  /**
   * A join: puts the buyer in line without a number (`arrival`, one conditional write), unless they
   * hold a place or are in line already (false then: that entry stands, so a duplicate join uses
   * no number). The batch writer numbers arrivals in arrival order (`numberPlace`).
   */
  enqueue(eventId: string, buyerId: string, at: number): Promise<boolean>;
  /**
   * A rejoin at the back: the used place `position` is given up and the buyer is in line again
   * without a number, in one conditional write (quiet when the place is no longer `position`: a
   * concurrent rejoin did it). False when not written.
   */
  requeue(eventId: string, buyerId: string, position: number, at: number): Promise<boolean>;
  /** The buyer's entry in line while it has no number yet (a consistent read), undefined otherwise. */
  readArrival(eventId: string, buyerId: string): Promise<Arrival | undefined>;
  /**
   * Entries in line without a number, in arrival order, at most `limit`, as the sparse `byArrival`
   * index lists them (eventually consistent: an entry may show up late, or one numbered a moment
   * ago still show).
   */
  arrivals(eventId: string, limit: number): Promise<Arrival[]>;
  /** Of `listed`, the entries the table still holds without a number (consistent reads), in arrival order. */
  confirmArrivals(eventId: string, listed: readonly Arrival[]): Promise<Arrival[]>;
  /**
   * Numbers an entry of the batch writer's: `position`, only if the entry is still `arrival` and
   * has no number (written once: a rerun of a batch changes nothing). False when not written.
   */
  numberPlace(eventId: string, buyerId: string, position: number, arrival: string, at: number): Promise<boolean>;
  /** Gives the buyer `position` unless they already hold one (false then: theirs stands); ends their un-numbered entry. */
  placeBuyer(eventId: string, buyerId: string, position: number, joinedAt: number): Promise<boolean>;
  /**
   * Notes the admission on the buyer's place (if it is still `admission.position`): from then on
   * the place itself says the buyer may bind an order until `until`; `passedOver`: admitted out of turn.
   */
  markAdmitted(eventId: string, buyerId: string, admission: PlaceAdmission): Promise<void>;
  /**
   * Binds the admission of place `binding.position` to an order (one write on the buyer's own
   * item, never the room item): only while the admission is live (admitted, window not past at
   * `binding.now`, not left, not ended) and bound to no order — or to `binding.replacing`, an order
   * that was never written. False when refused.
   */
  bindOrder(eventId: string, buyerId: string, binding: OrderBinding): Promise<boolean>;
  /**
   * Undoes the binding of `orderId` (its order could not be created); `endedAt`: the admission ends
   * too (nothing left to buy). False when the place is not bound to that order.
   */
  unbindOrder(eventId: string, buyerId: string, orderId: string, endedAt?: number): Promise<boolean>;
  /** Ends the unused admission of place `position` (no order bound); false when bound or not admitted. */
  endAdmission(eventId: string, buyerId: string, position: number, endedAt: number): Promise<boolean>;
  /** Notes that the buyer left the line; false when they never joined. */
  markLeft(eventId: string, buyerId: string, leftAt: number): Promise<boolean>;
  /**
   * Places after `position`, in position order, at most `limit` (an index read: eventually
   * consistent on DynamoDB); `more` when the index holds further ones.
   */
  placesAfter(eventId: string, position: number, limit: number): Promise<{ places: WaitingPlace[]; more: boolean }>;

  /**
   * Puts the buyer in the pre-queue of a fair start (no position yet: the draw gives one), unless
   * they hold a place or are pre-queued already (false then). One write.
   */
  preQueue(eventId: string, buyerId: string, at: number): Promise<boolean>;
  /** When the buyer joined the pre-queue (a consistent read), undefined when they did not. */
  readPreQueue(eventId: string, buyerId: string): Promise<number | undefined>;
  /** Everyone who joined the pre-queue (a consistent read of the event's buyers), placed by the draw or not. */
  preQueued(eventId: string): Promise<{ buyerId: string; joinedAt: number; position?: number }[]>;
  /**
   * A check-in of the buyer's page: `lastSeenAt` = now, written only when the last one is older
   * than `staleBefore` (so a page polling often costs one write per interval). False when not written.
   */
  checkIn(eventId: string, buyerId: string, now: number, staleBefore: number): Promise<boolean>;
  /**
   * Notes that the line reached an absent buyer (not seen since `seenBefore`) and passed them
   * over; false when they checked in meanwhile (they are there: their turn stands).
   */
  markLapsed(eventId: string, buyerId: string, lapsedAt: number, seenBefore: number): Promise<boolean>;
  /**
   * How many buyers wait after `position`: placed, not left, not lapsed, seen since `seenSince`
   * (an index read, for operators).
   */
  countWaiting(eventId: string, position: number, seenSince: number): Promise<number>;
}

/** An admission as noted on the buyer's place. */
export interface PlaceAdmission {
  readonly position: number;
  readonly admittedAt: number;
  /** Epoch ms: the admission's window; an order must be bound before it. */
  readonly until: number;
  readonly passedOver?: boolean;
}

/** An order bound to the admission of a place. */
export interface OrderBinding {
  readonly position: number;
  readonly orderId: string;
  readonly now: number;
  /** Epoch ms: the slot's safety deadline (the order's hold and a grace), when the batch writer looks again. */
  readonly until: number;
  /** An earlier order id bound to the admission whose order was never written. */
  readonly replacing?: string;
}

/** A buyer in line without a number yet: the batch writer numbers them in `arrival` order. */
export interface Arrival {
  readonly buyerId: string;
  /** The sort key of the line: the join's time (epoch ms, 15 digits) and the buyer id, `#`-joined. */
  readonly arrival: string;
  readonly joinedAt: number;
}

/** The `arrival` key of a join at `at`: arrival order is join time, ties by buyer id. */
export function arrivalKey(at: number, buyerId: string): string {
  return `${String(at).padStart(15, '0')}#${buyerId}`;
}

/** The entry an `arrival` key stands for (the index holds keys only). */
export function arrivalOfKey(arrival: string): Arrival {
  const cut = arrival.indexOf('#');
  return { buyerId: arrival.slice(cut + 1), arrival, joinedAt: Number(arrival.slice(0, cut)) };
}

/** A place as the waiting list holds it. */
export interface WaitingPlace {
  readonly buyerId: string;
  readonly position: number;
  readonly joinedAt: number;
  /** When the batch writer numbered the place (epoch ms); a drawn place has none. */
  readonly numberedAt?: number;
  /** Set when the buyer left the line before their turn: passed over, no slot taken. */
  readonly leftAt?: number;
  /** The buyer's page last checked in (epoch ms); a place written before check-ins has none. */
  readonly lastSeenAt?: number;
  /** The line reached the buyer while they were away: passed over (LAPSED), no slot taken. */
  readonly lapsedAt?: number;
}

export type WaitingRoomStateChange = Omit<WaitingRoomState, 'version' | 'updatedAt'>;

/**
 * What the waiting room's rules need. `waitingRoomDeps(store)` (waiting-room-store.ts) builds it
 * on DynamoDB; unit tests pass fakes, a clock and a sleep that advances it.
 */
export interface WaitingRoomDeps {
  readonly room: WaitingRoomRepository;
  readonly orders: Pick<OrderRepository, 'statusOf'>;
  readonly now: () => number;
  /** Backs off between optimistic retries. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Entry points take the deps, or a Store the DynamoDB deps are built from (handlers hold a Store). */
export type WaitingRoomSource = WaitingRoomDeps | Store;

/** A buyer's place in the line: written once, on the buyer's item in the buyers table. */
export interface WaitingRoomPlace {
  readonly buyerId: string;
  readonly position: number;
  /** Epoch ms of the first join. */
  readonly joinedAt: number;
  /** Epoch ms of the admission, once the queue served this place. */
  readonly admittedAt?: number;
  /** Epoch ms the buyer left the line, if they did. */
  readonly leftAt?: number;
  /** The buyer's page last checked in (epoch ms). */
  readonly lastSeenAt?: number;
  /** Epoch ms the line passed the buyer over for being away (LAPSED). */
  readonly lapsedAt?: number;
  /** The admission's window (epoch ms), noted by the batch writer when it admitted the place. */
  readonly admissionUntil?: number;
  /** The order the admission was bound to (one admission, one order). */
  readonly orderId?: string;
  /** The bound order's safety deadline (epoch ms). */
  readonly orderUntil?: number;
  /** The unused admission ended early (nothing left to buy). */
  readonly admissionEndedAt?: number;
}

/**
 * A fair start's draw, recorded on the room item for audit: the seed (32 crypto-random bytes,
 * hex), how many were in the pre-queue, and the SHA-256 of the drawn order (buyer ids, position
 * order, newline-joined). Anyone with the seed and the pre-queue can recompute the order.
 */
export interface FairStartDraw {
  readonly seed: string;
  readonly drawnAt: number;
  readonly entrants: number;
  readonly digest: string;
  /** False while the positions are being written (a draw that died is finished with the same seed). */
  readonly complete: boolean;
}

/**
 * A purchase slot on the room item. Written only by the batch writer: the binding of an order is
 * on the buyer's place; the writer copies `orderId` here when it looks at a slot whose admission
 * window passed (and then `until` is the order's safety deadline).
 */
export interface PurchaseSlot {
  readonly position: number;
  readonly admittedAt: number;
  /** Epoch ms: admission deadline until the writer saw an order bound; then a safety deadline re-checked against the order. */
  readonly until: number;
  readonly orderId?: string;
}

/** A batch of arrivals being numbered: `entries[i]` gets position `from + i`. */
export interface NumberingBatch {
  /** Epoch ms the batch was recorded: a batch much older than a writer's run is taken over. */
  readonly at: number;
  readonly from: number;
  readonly entries: readonly { readonly buyerId: string; readonly arrival: string }[];
}

/** The one item per event that says how far the line is served and who holds a purchase slot. */
export interface WaitingRoomState {
  readonly eventId: string;
  /** Every position up to here has been admitted (or skipped as a gap). */
  readonly servingPosition: number;
  readonly active: Readonly<Record<string, PurchaseSlot>>;
  /** Buyers admitted so far, ever. */
  readonly admittedCount: number;
  /**
   * An admitted buyer found no seat left. Provisional: seats come back when holds lapse or orders
   * fail, and an order ending without a sale clears it.
   */
  readonly soldOut?: boolean;
  /** The fair start's draw, once the sale opened (events with `salesStartAt`). */
  readonly draw?: FairStartDraw;
  /** Position numbers handed out so far (the draw's, then the batch writer's): the last one given. */
  readonly issued?: number;
  /**
   * The batch writer's numbering in progress: recorded before any place is numbered, cleared once
   * every one is. A writer that died half-way is finished by the next run with the same numbers.
   */
  readonly numbering?: NumberingBatch;
  /** When the first buyer was admitted: with `admittedCount`, the measured admission rate. */
  readonly firstAdmittedAt?: number;
  readonly version: number;
  readonly updatedAt: number;
}

export function emptyWaitingRoomState(eventId: string): WaitingRoomState {
  return { eventId, servingPosition: 0, active: {}, admittedCount: 0, version: 0, updatedAt: 0 };
}
