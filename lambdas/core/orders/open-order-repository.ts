/**
 * The port in front of a buyer's open-order pointer (`openOrderId` on the buyer's item in the
 * buyers table): one open order per buyer and event. The DynamoDB adapter is
 * `openOrderRepository(store)` (open-order-store.ts), the in-memory fake `test/support/fakes/`.
 */

export interface BuyerKey {
  readonly eventId: string;
  readonly buyerId: string;
}

export interface OpenOrderRepository {
  /** The order the buyer's pointer names (a consistent read), or undefined. */
  pointer(buyer: BuyerKey): Promise<string | undefined>;
  /**
   * Points the buyer at `orderId` if the pointer is still what the caller saw (`seen`; undefined:
   * no pointer). False when it moved meanwhile: another request claimed first.
   */
  claim(buyer: BuyerKey, orderId: string, seen: string | undefined, claimedAt: number): Promise<boolean>;
  /** Removes the pointer if it still names `orderId`; nothing when it was taken over already. */
  release(buyer: BuyerKey, orderId: string): Promise<void>;
}
