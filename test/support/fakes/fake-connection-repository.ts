import type { ConnectionItem, ConnectionRepository } from '../../../lambdas/core/live/connection-repository';

/** Open connections in memory, with the DynamoDB adapter's semantics (the index reads are up to date here). */
export class FakeConnectionRepository implements ConnectionRepository {
  readonly items = new Map<string, ConnectionItem>();
  /** Lookups that fail, for tests of a failed audience lookup. */
  failLookups = false;

  async put(connection: ConnectionItem): Promise<void> {
    this.items.set(connection.connectionId, { ...connection });
  }

  async subscribe(connectionId: string, eventId: string): Promise<boolean> {
    const item = this.items.get(connectionId);
    if (!item) return false;
    this.items.set(connectionId, { ...item, eventId });
    return true;
  }

  async delete(connectionId: string): Promise<void> {
    this.items.delete(connectionId);
  }

  async watching(eventId: string): Promise<string[]> {
    return this.ids((item) => item.eventId === eventId);
  }

  async ofBuyer(buyerId: string): Promise<string[]> {
    return this.ids((item) => item.buyerId === buyerId);
  }

  private async ids(match: (item: ConnectionItem) => boolean): Promise<string[]> {
    if (this.failLookups) throw new Error('ProvisionedThroughputExceededException');
    return [...this.items.values()].filter(match).map((item) => item.connectionId);
  }
}
