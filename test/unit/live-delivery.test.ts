import { describe, expect, it } from 'vitest';
import type { Delivery } from '../../lambdas/core/live/broadcast';
import type { ConnectionPoster } from '../../lambdas/core/live/connection-poster';
import { CONNECTING_GRACE_MS } from '../../lambdas/core/live/connection-repository';
import { deliver } from '../../lambdas/core/live/live-delivery';
import { FakeConnectionRepository } from '../support/fakes/fake-connection-repository';

/** Sending planned messages to their audiences, on a fake connections table and a fake poster. */

const message = { type: 'seats', eventId: 'ev', seats: [] } as unknown as Delivery['message'];

/** Viewers that left their event's audience (its seat-map shard on DynamoDB), as `<event>/<connection>`. */
const left: string[] = [];
const sourceOf = (connections: FakeConnectionRepository) => ({
  connections,
  viewers: (eventId: string) => connections.watching(eventId),
  leave: async (eventId: string, connectionId: string) => {
    left.push(`${eventId}/${connectionId}`);
  },
});

async function setUp() {
  const connections = new FakeConnectionRepository();
  for (const [connectionId, buyerId, eventId] of [
    ['c1', 'b1', 'ev'],
    ['c2', undefined, 'ev'],
    ['c3', 'b1', 'other'],
    ['gone', undefined, 'ev'],
  ] as const) {
    if (buyerId) await connections.joinBuyer(buyerId, connectionId);
    await connections.watch(connectionId, eventId);
  }
  const posted: string[] = [];
  const poster: ConnectionPoster = {
    async post(connectionId) {
      if (connectionId === 'gone') return 'gone';
      if (connectionId === 'flaky') throw new Error('timeout');
      posted.push(connectionId);
      return 'sent';
    },
  };
  return { connections, poster, posted };
}

describe('deliver', () => {
  it('sends to every viewer of an event and every socket of a buyer; a gone socket is forgotten', async () => {
    const { connections, poster, posted } = await setUp();
    const report = await deliver(sourceOf(connections), poster, [
      { audience: { eventId: 'ev' }, message, sequenceNumbers: ['1'] },
      { audience: { buyerId: 'b1' }, message, sequenceNumbers: ['2'] },
    ]);
    expect(report).toEqual({ sent: 4, gone: 1, failedPosts: 0, failedSequenceNumbers: [] });
    expect([...posted].sort()).toEqual(['c1', 'c1', 'c2', 'c3']);
    expect(connections.items.has('gone')).toBe(false);
    // It leaves its seat-map shard too, or it would count against the event's socket budget until
    // the event's next seat-map tick (a waiting-room message is often all a quiet event sends).
    expect(left).toContain('ev/gone');
  });

  it('finds the sockets of every buyer of a batch with one lookup, not one per order change (issue #13)', async () => {
    const { connections, poster, posted } = await setUp();
    for (const n of [1, 2, 3]) await connections.joinBuyer(`b${n}`, `b${n}-socket`);
    connections.lookups = 0;
    const report = await deliver(sourceOf(connections), poster, [
      { audience: { buyerId: 'b1' }, message, sequenceNumbers: ['1'] },
      { audience: { buyerId: 'b2' }, message, sequenceNumbers: ['2'] },
      { audience: { buyerId: 'b3' }, message, sequenceNumbers: ['3'] },
      { audience: { buyerId: 'nobody-connected' }, message, sequenceNumbers: ['4'] },
    ]);
    expect(connections.lookups).toBe(1);
    expect(report).toEqual({ sent: 5, gone: 0, failedPosts: 0, failedSequenceNumbers: [] });
    expect([...posted].sort()).toEqual(['b1-socket', 'b2-socket', 'b3-socket', 'c1', 'c3']);
  });

  it('a buyer’s socket found gone leaves the buyer’s set (no delete: it has no item unless it watched the map)', async () => {
    const { connections, poster } = await setUp();
    await connections.joinBuyer('b1', 'gone');
    const report = await deliver(sourceOf(connections), poster, [
      { audience: { buyerId: 'b1' }, message, sequenceNumbers: ['1'] },
    ]);
    expect(report).toMatchObject({ sent: 2, gone: 1 });
    expect([...(connections.buyerSockets.get('b1') ?? [])].sort()).toEqual(['c1', 'c3']);
    // It watched the map here: its item goes at its shard's next tick (410 there too), or by TTL.
    expect(connections.items.has('gone')).toBe(true);
  });

  it('a buyer’s socket answered 410 within moments of joining stays in the set: it may still be connecting', async () => {
    // The race (bench:sellout, a few buyers a run): the create's order change is pushed while the
    // buyer's socket is connecting — its $connect has joined the set but not answered yet, so the
    // gateway answers the post 410. Taken out of the set then, the socket never heard the order again.
    const { connections, poster } = await setUp();
    const now = 1_764_000_000_000;
    await connections.joinBuyer('b1', 'gone', now - 1_000);
    await connections.joinBuyer('b2', 'gone-long-ago', now - CONNECTING_GRACE_MS - 1_000);
    const gonePoster: ConnectionPoster = {
      post: async (connectionId) => (connectionId.startsWith('gone') ? 'gone' : poster.post(connectionId, '')),
    };
    const report = await deliver(
      sourceOf(connections),
      gonePoster,
      [
        { audience: { buyerId: 'b1' }, message, sequenceNumbers: ['1'] },
        { audience: { buyerId: 'b2' }, message, sequenceNumbers: ['2'] },
      ],
      { now: () => now },
    );
    expect(report).toMatchObject({ sent: 2, gone: 2 });
    expect(connections.buyerSockets.get('b1')?.has('gone')).toBe(true); // still connecting, maybe
    expect(connections.buyerSockets.get('b2')?.has('gone-long-ago')).toBe(false); // gone
  });

  it('a failed post is counted and dropped; a failed lookup fails its stream records (to be retried)', async () => {
    const { connections, poster } = await setUp();
    await connections.watch('flaky', 'ev');
    expect(
      await deliver(sourceOf(connections), poster, [{ audience: { eventId: 'ev' }, message, sequenceNumbers: ['7'] }]),
    ).toMatchObject({ sent: 2, failedPosts: 1, failedSequenceNumbers: [] });
    connections.failLookups = true;
    expect(
      await deliver(sourceOf(connections), poster, [
        { audience: { buyerId: 'b1' }, message, sequenceNumbers: ['8', '9'] },
      ]),
    ).toEqual({ sent: 0, gone: 0, failedPosts: 0, failedSequenceNumbers: ['8', '9'] });
  });
});
