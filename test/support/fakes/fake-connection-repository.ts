import type {
  BuyerSocket,
  ConnectionItem,
  ConnectionRepository,
} from '../../../lambdas/core/live/connection-repository';

/** Open connections in memory, with the DynamoDB adapter's semantics (the index reads are up to date here). */
export class FakeConnectionRepository implements ConnectionRepository {
  readonly items = new Map<string, ConnectionItem>();
  /** Each buyer's socket ids, as the adapter's `#buyer#` items keep them (a delete leaves them). */
  readonly buyerSockets = new Map<string, Set<string>>();
  /** When each socket joined its buyer's set (absent: given no time, as a member recorded before times were). */
  readonly joinedAt = new Map<string, number>();
  /** Lookups that fail, for tests of a failed audience lookup. */
  failLookups = false;
  /** Lookups made (index queries and batch reads alike), for tests that count them. */
  lookups = 0;

  async put(connection: ConnectionItem): Promise<void> {
    this.items.set(connection.connectionId, { ...connection });
  }

  async joinBuyer(buyerId: string, connectionId: string, joinedAt?: number): Promise<void> {
    const sockets = this.buyerSockets.get(buyerId) ?? new Set<string>();
    sockets.add(connectionId);
    this.buyerSockets.set(buyerId, sockets);
    if (joinedAt !== undefined) this.joinedAt.set(connectionId, Math.floor(joinedAt / 1000) * 1000); // whole seconds, as stored
  }

  async watch(connectionId: string, eventId: string): Promise<void> {
    const item = this.items.get(connectionId) ?? { connectionId, connectedAt: 0, expiresAt: 0 };
    this.items.set(connectionId, { ...item, eventId });
  }

  async delete(connectionId: string): Promise<void> {
    this.items.delete(connectionId);
  }

  /** The connections subscribed to an event (what the shards hold on DynamoDB): the `viewers` of a delivery. */
  async watching(eventId: string): Promise<string[]> {
    return this.ids((item) => item.eventId === eventId);
  }

  async ofBuyers(buyerIds: readonly string[]): Promise<Map<string, BuyerSocket[]>> {
    this.lookup();
    const found = new Map<string, BuyerSocket[]>();
    for (const buyerId of buyerIds) {
      const sockets = this.buyerSockets.get(buyerId);
      if (sockets && sockets.size > 0)
        found.set(
          buyerId,
          [...sockets].map((connectionId) => {
            const joinedAt = this.joinedAt.get(connectionId);
            return joinedAt === undefined ? { connectionId } : { connectionId, joinedAt };
          }),
        );
    }
    return found;
  }

  async leaveBuyer(buyerId: string, socket: BuyerSocket): Promise<void> {
    this.buyerSockets.get(buyerId)?.delete(socket.connectionId);
  }

  private async ids(match: (item: ConnectionItem) => boolean): Promise<string[]> {
    this.lookup();
    return [...this.items.values()].filter(match).map((item) => item.connectionId);
  }

  private lookup(): void {
    this.lookups += 1;
    if (this.failLookups) throw new Error('ProvisionedThroughputExceededException');
  }
}
