import type { BuyerKey, ClaimResult, OpenOrderRepository } from '../../../lambdas/core/orders/open-order-repository';

/** Buyers' open-order pointers in memory, with the DynamoDB adapter's conditional semantics. */
export class FakeOpenOrderRepository implements OpenOrderRepository {
  readonly pointers = new Map<string, { openOrderId: string; claimedAt: number }>();
  /** Called before each claim is decided: tests use it to let a rival request win first. */
  beforeClaim?: (buyer: BuyerKey, orderId: string) => void;

  async pointer(buyer: BuyerKey): Promise<string | undefined> {
    return this.pointers.get(keyOf(buyer))?.openOrderId;
  }

  async claim(buyer: BuyerKey, orderId: string, seen: string | undefined, claimedAt: number): Promise<ClaimResult> {
    this.beforeClaim?.(buyer, orderId);
    const current = this.pointers.get(keyOf(buyer))?.openOrderId;
    if (current !== seen) return { claimed: false, current };
    this.pointers.set(keyOf(buyer), { openOrderId: orderId, claimedAt });
    return { claimed: true };
  }

  async release(buyer: BuyerKey, orderId: string): Promise<void> {
    if (this.pointers.get(keyOf(buyer))?.openOrderId === orderId) this.pointers.delete(keyOf(buyer));
  }
}

const keyOf = (buyer: BuyerKey) => `${buyer.eventId}\u0000${buyer.buyerId}`;
