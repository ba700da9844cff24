/**
 * The port in front of a buyer's open-order pointer (`openOrderId` on the buyer's item in the
 * buyers table): one open order per buyer and event. The DynamoDB adapter is
 * `openOrderRepository(store)` (open-order-store.ts), the in-memory fake `test/support/fakes/`.
 */

export interface BuyerKey {
  readonly eventId: string;
  readonly buyerId: string;
}

/** A claim taken, or refused with the pointer it found (`current`; undefined: none). */
export type ClaimResult =
  | { readonly claimed: true }
  | { readonly claimed: false; readonly current: string | undefined };

export interface OpenOrderRepository {
  /** The order the buyer's pointer names (a consistent read), or undefined. */
  pointer(buyer: BuyerKey): Promise<string | undefined>;
  /**
   * Points the buyer at `orderId` if the pointer is still what the caller saw (`seen`; undefined:
   * no pointer). Refused when it is not (another request claimed first, or the caller claimed
   * without reading): the refusal carries the pointer as it was, so no read is needed to go on.
   * A claim taken also lists `orderId` among the buyer's orders of the event (buyer-orders.ts).
   */
  claim(buyer: BuyerKey, orderId: string, seen: string | undefined, claimedAt: number): Promise<ClaimResult>;
  /** Removes the pointer if it still names `orderId`; nothing when it was taken over already. */
  release(buyer: BuyerKey, orderId: string): Promise<void>;
}
