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
      await connections.put(newConnection({ connectionId: mine, buyerId }, 1_000));
      await connections.put(newConnection({ connectionId: anonymous }, 1_000));
      await connections.put(newConnection({ connectionId: otherEvent, buyerId }, 1_000));
      expect(await connections.subscribe(mine, eventId)).toBe(true);
      expect(await connections.subscribe(anonymous, eventId)).toBe(true);
      expect(await connections.subscribe(otherEvent, `${eventId}-2`)).toBe(true);
      const sockets = await connections.ofBuyers([buyerId, 'buyer-without-sockets', buyerId]);
      expect(sorted(sockets.get(buyerId) ?? [])).toEqual(sorted([mine, otherEvent]));
      expect(sockets.has('buyer-without-sockets')).toBe(false);
    });

    it('finds the sockets of many buyers at once, and forgets one that left its buyer', async () => {
      const buyers = Array.from({ length: 120 }, () => `buyer-${randomUUID()}`);
      const sockets = new Map(buyers.map((buyerId) => [buyerId, id()]));
      for (const [buyerId, connectionId] of sockets)
        await connections.put(newConnection({ connectionId, buyerId }, 1_000));
      const found = await connections.ofBuyers(buyers);
      expect(found.size).toBe(120);
      for (const [buyerId, connectionId] of sockets) expect(found.get(buyerId)).toEqual([connectionId]);
      const [first] = buyers;
      await connections.leaveBuyer(first!, sockets.get(first!)!);
      await connections.leaveBuyer(first!, sockets.get(first!)!); // again: nothing
      expect((await connections.ofBuyers([first!])).has(first!)).toBe(false);
    });

    it('a late subscribe does not bring a deleted connection back', async () => {
      const [eventId, c] = [`ev-${randomUUID()}`, id()];
      await connections.put(newConnection({ connectionId: c, buyerId: 'b-del' }, 1_000));
      await connections.subscribe(c, eventId);
      await connections.delete(c);
      await connections.delete(c); // again: nothing
      expect(await connections.subscribe(c, eventId)).toBe(false);
      // Its buyer's set may still name it until a post finds it gone (leaveBuyer): a lookup per
      // disconnect would cost more than the one failed post.
    });
  });
}
