import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ConnectionRepository, newConnection } from '../../../lambdas/core/live/connection-repository';

/** What every `ConnectionRepository` does: on DynamoDB Local (integration) and in memory (unit). */
export function connectionRepositoryContract(name: string, setUp: () => Promise<ConnectionRepository>): void {
  describe(`ConnectionRepository contract: ${name}`, () => {
    let connections: ConnectionRepository;
    beforeAll(async () => {
      connections = await setUp();
    });
    const id = () => `conn-${randomUUID()}`;
    const sorted = (ids: string[]) => [...ids].sort();

    // An event's viewers are not the repository's: they are the members of its seat-map shards
    // (lambdas/core/live/event-viewers.ts, tested with the broadcaster on DynamoDB Local).
    it('finds a buyer’s sockets whatever they watch', async () => {
      const [eventId, buyerId] = [`ev-${randomUUID()}`, `buyer-${randomUUID()}`];
      const [mine, anonymous, otherEvent] = [id(), id(), id()];
      await connections.joinBuyer(buyerId, mine);
      await connections.joinBuyer(buyerId, otherEvent);
      await connections.watch(mine, eventId);
      await connections.watch(anonymous, eventId);
      await connections.watch(otherEvent, `${eventId}-2`);
      const sockets = await connections.ofBuyers([buyerId, 'buyer-without-sockets', buyerId]);
      expect(sorted(sockets.get(buyerId) ?? [])).toEqual(sorted([mine, otherEvent]));
      expect(sockets.has('buyer-without-sockets')).toBe(false);
    });

    it('finds the sockets of many buyers at once, and forgets one that left its buyer', async () => {
      const buyers = Array.from({ length: 120 }, () => `buyer-${randomUUID()}`);
      const sockets = new Map(buyers.map((buyerId) => [buyerId, id()]));
      for (const [buyerId, connectionId] of sockets) await connections.joinBuyer(buyerId, connectionId);
      const found = await connections.ofBuyers(buyers);
      expect(found.size).toBe(120);
      for (const [buyerId, connectionId] of sockets) expect(found.get(buyerId)).toEqual([connectionId]);
      const [first] = buyers;
      await connections.leaveBuyer(first!, sockets.get(first!)!);
      await connections.leaveBuyer(first!, sockets.get(first!)!); // again: nothing
      expect((await connections.ofBuyers([first!])).has(first!)).toBe(false);
    });

    it('a subscribe needs no item before it (a buyer’s or anonymous socket has none), and a delete is idempotent', async () => {
      const [eventId, c, operator] = [`ev-${randomUUID()}`, id(), id()];
      await connections.watch(c, eventId); // no item before: a buyer's or anonymous socket
      await connections.put(newConnection({ connectionId: operator, operatorId: 'op-1' }, 1_000));
      await connections.watch(operator, eventId);
      await connections.delete(c);
      await connections.delete(c); // again: nothing
      // A subscribe after the delete records it again: the accepted race with its own $disconnect
      // (viewer-subscription.ts) — the first post that finds it gone forgets it.
      await connections.watch(c, eventId);
    });
  });
}
