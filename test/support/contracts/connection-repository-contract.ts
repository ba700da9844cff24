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
      expect(sorted((sockets.get(buyerId) ?? []).map((s) => s.connectionId))).toEqual(sorted([mine, otherEvent]));
      expect(sockets.has('buyer-without-sockets')).toBe(false);
    });

    it('keeps when a socket joined its buyer (whole seconds): a 410 right after may mean it is still connecting', async () => {
      const buyerId = `buyer-${randomUUID()}`;
      const [c, d] = [id(), id()];
      await connections.joinBuyer(buyerId, c, 1_764_000_000_750);
      await connections.joinBuyer(buyerId, d, 1_764_000_005_000);
      const found = (await connections.ofBuyers([buyerId])).get(buyerId) ?? [];
      expect(found.sort((a, b) => (a.joinedAt ?? 0) - (b.joinedAt ?? 0))).toEqual([
        { connectionId: c, joinedAt: 1_764_000_000_000 },
        { connectionId: d, joinedAt: 1_764_000_005_000 },
      ]);
      await connections.leaveBuyer(buyerId, found[0]!);
      expect((await connections.ofBuyers([buyerId])).get(buyerId)).toEqual([found[1]]);
    });

    it('finds the sockets of many buyers at once, and forgets one that left its buyer', async () => {
      const buyers = Array.from({ length: 120 }, () => `buyer-${randomUUID()}`);
      const sockets = new Map(buyers.map((buyerId) => [buyerId, id()]));
      for (const [buyerId, connectionId] of sockets) await connections.joinBuyer(buyerId, connectionId);
      const found = await connections.ofBuyers(buyers);
      expect(found.size).toBe(120);
      for (const [buyerId, connectionId] of sockets)
        expect(found.get(buyerId)?.map((s) => s.connectionId)).toEqual([connectionId]);
      const [first] = buyers;
      const [socket] = found.get(first!)!;
      await connections.leaveBuyer(first!, socket!);
      await connections.leaveBuyer(first!, socket!); // again: nothing
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
