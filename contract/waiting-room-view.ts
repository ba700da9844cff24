/**
 * What a buyer sees of the waiting room, over HTTP. Types only, no runtime imports: the frontend
 * imports this file by relative path, as it does contract/live-messages.ts.
 */

export type BuyerWaitingRoomState =
  /** Not in the queue (never joined, or joined again after an admission lapsed). */
  | 'NOT_JOINED'
  | 'WAITING'
  /** A purchase slot is theirs: the admission token lets them order. */
  | 'ADMITTED'
  /** Their order holds the slot. */
  | 'PURCHASING'
  /** They were admitted and the slot is gone (order ended or admission lapsed): join again to buy more. */
  | 'DONE'
  /** They left the line (join again to come back, at the back). */
  | 'LEFT'
  /** Before a fair start: in the pre-queue, a random position is drawn at `salesStartAt`. */
  | 'PRE_QUEUE'
  /** The line reached them while their page was away (no check-in for the room's abandon time): rejoin at the back. */
  | 'LAPSED';

/**
 * The room's public counter: the same for every buyer, so it is cacheable (`max-age=2`, ETag =
 * the room item's version) and a large line polling it does not read the table per poll. A page
 * knows its own position (from its join) and compares.
 */
export interface WaitingRoomCounter {
  readonly eventId: string;
  readonly servingPosition: number;
  readonly activePurchasers: number;
  readonly maxActivePurchasers: number;
  readonly soldOut: boolean;
  readonly salesStartAt?: string;
  /** A fair start's draw is done (the pre-queue has its positions). */
  readonly drawn: boolean;
  readonly admissionsPerMinute?: number;
  /** The room item's version: grows with every change (the ETag). */
  readonly version: number;
}

export interface BuyerWaitingRoomStatus {
  readonly eventId: string;
  readonly state: BuyerWaitingRoomState;
  readonly position?: number;
  readonly servingPosition: number;
  /** Buyers before this one still waiting (estimated from positions; gaps make it an upper bound). */
  readonly peopleAhead: number;
  readonly estimatedWaitSeconds?: number;
  readonly admissionToken?: string;
  /** Epoch ms by which the admitted buyer must have started an order. */
  readonly admissionExpiresAt?: number;
  readonly activePurchasers: number;
  readonly maxActivePurchasers: number;
  /** No seat is free right now (provisional: lapsed holds and failed orders give seats back). */
  readonly soldOut: boolean;
  /** When the sale opens (ISO 8601), for a fair start's countdown; absent when the sale has no start time. */
  readonly salesStartAt?: string;
  /** How often the waiting page checks in (a GET of this status); a page away much longer is passed over. */
  readonly checkInEverySeconds?: number;
  /** Admissions per minute measured since the first one (absent until there is enough to measure). */
  readonly admissionsPerMinute?: number;
}
