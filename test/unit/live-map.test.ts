import { describe, expect, it } from 'vitest';
import { priceLiveMap } from '../../bench/simulator/live-map-cost';
import { expandSnapshot, nextMapStep, type SeatsMessage } from '../../contract/live-messages';
import type { LiveShards } from '../../lambdas/core/live/live-shards';
import { shardCap, shardOf } from '../../lambdas/core/live/live-shards';
import {
  buildSeatMap,
  compactOf,
  entityTag,
  seatMapDeltas,
  seatViewsOf,
  tickMessage,
} from '../../lambdas/core/live/seat-map-snapshot';
import { deliverToShard, KnownMembers, publishToShards, type ShardJob } from '../../lambdas/core/live/shard-delivery';
import type { SeatItem } from '../../lambdas/core/seats/seat-item';

const NOW = 1_800_000_000_000;

function seat(rowIndex: number, number: number, version: number, change: Partial<SeatItem> = {}): SeatItem {
  return {
    eventId: 'ev',
    seatId: `${String.fromCharCode(65 + rowIndex)}${number}`,
    rowIndex,
    number,
    status: 'AVAILABLE',
    version,
    updatedAt: NOW,
    ...change,
  };
}

const grid = (versions: Record<string, number> = {}, changes: Record<string, Partial<SeatItem>> = {}) =>
  [0, 1].flatMap((row) =>
    [1, 2, 3].map((n) => {
      const id = `${String.fromCharCode(65 + row)}${n}`;
      return seat(row, n, versions[id] ?? 1, changes[id]);
    }),
  );

const message = (version: number, baseVersion: number): SeatsMessage => ({
  type: 'seats',
  eventId: 'ev',
  seats: [],
  version,
  baseVersion,
});

describe('delta ordering and gaps (nextMapStep)', () => {
  it('applies a tick whose base is my version, ignores old or repeated ones, refetches after a gap', () => {
    expect(nextMapStep(4, message(5, 4))).toBe('apply');
    expect(nextMapStep(5, message(5, 4))).toBe('ignore'); // repeated
    expect(nextMapStep(6, message(5, 4))).toBe('ignore'); // late
    expect(nextMapStep(4, message(6, 5))).toBe('refetch'); // tick 5 missed
    expect(nextMapStep(undefined, message(6, 5))).toBe('refetch'); // no versioned map yet
    expect(nextMapStep(4, message(6, -1))).toBe('refetch'); // too many deltas for one frame
  });

  it('applies a message without map versions by per-seat versions alone (older servers)', () => {
    expect(nextMapStep(3, { type: 'seats', eventId: 'ev', seats: [] })).toBe('apply');
  });

  it('replays a run of ticks in order to the same map as the newest snapshot, whatever the gaps', () => {
    const v1 = buildSeatMap('ev', grid(), 1, NOW);
    const held = { status: 'HELD' as const, orderId: 'o', holdExpiresAt: NOW + 60_000 };
    const v2 = buildSeatMap('ev', grid({ A1: 2 }, { A1: held }), 2, NOW + 250);
    const v3 = buildSeatMap('ev', grid({ A1: 3, B3: 2 }, { A1: { status: 'SOLD' }, B3: held }), 3, NOW + 500);
    expect(tickMessage('ev', v1, v2)).toEqual({
      type: 'seats',
      eventId: 'ev',
      version: 2,
      baseVersion: 1,
      builtAt: NOW + 250,
      seats: [{ seatId: 'A1', status: 'HELD', version: 2, holdExpiresAt: NOW + 60_000 }],
    });
    expect(seatMapDeltas(v2, v3)).toEqual([
      { seatId: 'A1', status: 'SOLD', version: 3 },
      { seatId: 'B3', status: 'HELD', version: 2, holdExpiresAt: NOW + 60_000 },
    ]);
    // No change, no delta: a retried batch rebuilds the same map.
    expect(
      seatMapDeltas(v3, buildSeatMap('ev', grid({ A1: 3, B3: 2 }, { A1: { status: 'SOLD' }, B3: held }), 4, NOW)),
    ).toEqual([]);
  });
});

describe('the versioned compact seat map', () => {
  it('keeps one letter per seat index and the holds by index; no order ids', () => {
    const map = buildSeatMap(
      'ev',
      grid(
        { A2: 4, B1: 2 },
        {
          A2: { status: 'HELD', orderId: 'ord-secret', holdExpiresAt: NOW + 5 },
          B1: { status: 'SOLD', orderId: 'ord-secret' },
        },
      ),
      7,
      NOW,
    );
    const compact = compactOf(map);
    expect(compact).toEqual({
      eventId: 'ev',
      version: 7,
      rows: 2,
      seatsPerRow: 3,
      states: 'AHASAA',
      holds: { '1': NOW + 5 },
      builtAt: NOW,
    });
    expect(JSON.stringify(map)).not.toContain('ord-secret');
    expect(expandSnapshot(compact).map((s) => `${s.seatId}:${s.status}`)).toEqual([
      'A1:AVAILABLE',
      'A2:HELD',
      'A3:AVAILABLE',
      'B1:SOLD',
      'B2:AVAILABLE',
      'B3:AVAILABLE',
    ]);
    // The full views keep per-seat versions and show a lapsed hold as available.
    const views = seatViewsOf(map, NOW + 10);
    expect(views.find((s) => s.seatId === 'A2')).toEqual({
      seatId: 'A2',
      rowIndex: 0,
      number: 2,
      status: 'AVAILABLE',
      version: 4,
    });
    expect(views.find((s) => s.seatId === 'B1')).toMatchObject({ status: 'SOLD', version: 2 });
  });

  it('tags each version and build differently', () => {
    expect(entityTag({ version: 3, builtAt: NOW })).not.toBe(entityTag({ version: 4, builtAt: NOW }));
    expect(entityTag({ version: 3, builtAt: NOW })).not.toBe(entityTag({ version: 3, builtAt: NOW + 1 }));
  });

  it('tells every viewer to refetch when one tick has more deltas than a frame holds', () => {
    const many = Array.from({ length: 3000 }, (_, i) => seat(Math.floor(i / 50), (i % 50) + 1, 1));
    const before = buildSeatMap('ev', many, 1, NOW);
    const after = buildSeatMap(
      'ev',
      many.map((s) => ({ ...s, version: 2, status: 'HELD' as const, holdExpiresAt: NOW + 1 })),
      2,
      NOW,
    );
    expect(tickMessage('ev', before, after)).toEqual({
      type: 'seats',
      eventId: 'ev',
      seats: [],
      version: 2,
      baseVersion: -1,
      builtAt: NOW,
    });
  });
});

class FakeShards implements LiveShards {
  readonly sets = new Map<string, Set<string>>();
  async join(eventId: string, shard: number, connectionId: string, cap?: number) {
    const set = this.sets.get(`${eventId}#${shard}`) ?? new Set<string>();
    if (cap !== undefined && set.size >= cap && !set.has(connectionId)) return false;
    set.add(connectionId);
    this.sets.set(`${eventId}#${shard}`, set);
    return true;
  }
  async leave(eventId: string, shard: number, connectionId: string) {
    this.sets.get(`${eventId}#${shard}`)?.delete(connectionId);
  }
  async members(eventId: string, shard: number) {
    return [...(this.sets.get(`${eventId}#${shard}`) ?? [])];
  }
}

describe('shards', () => {
  it('puts a connection in the same shard every time, and spreads many connections over all shards', () => {
    expect(shardOf('conn-1', 16)).toBe(shardOf('conn-1', 16));
    const counts = new Array<number>(16).fill(0);
    for (let i = 0; i < 4000; i++) counts[shardOf(`Ab${i}xQ=`, 16)]! += 1;
    expect(Math.min(...counts)).toBeGreaterThan(150); // 250 each if even
    expect(Math.max(...counts)).toBeLessThan(350);
    expect(shardOf('anything', 1)).toBe(0);
    expect(shardCap(4000, 16)).toBe(250);
    expect(shardCap(1, 16)).toBe(1);
  });

  it('sends one job per shard, all started before any finishes (parallel delivery)', async () => {
    const started: ShardJob[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const publishing = publishToShards(
      {
        async invoke(job) {
          started.push(job);
          await gate;
        },
      },
      'ev',
      4,
      '{"type":"seats"}',
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(started.map((job) => job.shard)).toEqual([0, 1, 2, 3]);
    release();
    await publishing;
  });

  it('delivers to every member of its shard in parallel, removes gone sockets (410), keeps going past a failed post', async () => {
    const shards = new FakeShards();
    for (const id of ['a', 'b', 'gone', 'flaky']) await shards.join('ev', 2, id);
    await shards.join('ev', 3, 'other-shard');
    const posted: string[] = [];
    let inFlight = 0;
    let mostInFlight = 0;
    const forgotten: string[] = [];
    const report = await deliverToShard(
      {
        shards,
        forget: async (id) => {
          forgotten.push(id);
        },
        poster: {
          async post(connectionId) {
            inFlight++;
            mostInFlight = Math.max(mostInFlight, inFlight);
            await new Promise((resolve) => setImmediate(resolve));
            inFlight--;
            if (connectionId === 'gone') return 'gone';
            if (connectionId === 'flaky') throw new Error('429 Too Many Requests');
            posted.push(connectionId);
            return 'sent';
          },
        },
      },
      { eventId: 'ev', shard: 2, data: '{}' },
    );
    expect(report).toEqual({ sent: 2, gone: 1, failedPosts: 1 });
    expect(posted.sort()).toEqual(['a', 'b']);
    expect(mostInFlight).toBe(4);
    expect(forgotten).toEqual(['gone']);
    expect((await shards.members('ev', 2)).sort()).toEqual(['a', 'b', 'flaky']);
    expect(await shards.members('ev', 3)).toEqual(['other-shard']);
  });
});

describe('a shard worker’s known members', () => {
  /** Shards whose reads wait until released, so a test sees what is posted before a read returns. */
  class GatedShards extends FakeShards {
    private release: () => void = () => undefined;
    private failNext = false;
    gate(): { release: () => void; fail: () => void } {
      let open!: () => void;
      const opened = new Promise<void>((resolve) => (open = resolve));
      const originalMembers = FakeShards.prototype.members.bind(this);
      this.members = async (eventId, shard) => {
        await opened;
        if (this.failNext) throw new Error('ProvisionedThroughputExceededException');
        return originalMembers(eventId, shard);
      };
      this.release = open;
      return {
        release: () => this.release(),
        fail: () => {
          this.failNext = true;
          this.release();
        },
      };
    }
  }

  const job = (data: string): ShardJob => ({ eventId: 'ev', shard: 0, data });
  const recorder = () => {
    const posted: [string, string][] = [];
    return {
      posted,
      poster: {
        async post(connectionId: string, data: string) {
          posted.push([connectionId, data]);
          return connectionId.startsWith('gone') ? ('gone' as const) : ('sent' as const);
        },
      },
    };
  };

  it('posts to the members it read last before the shard’s read returns, then to whoever joined since', async () => {
    const shards = new GatedShards();
    const known = new KnownMembers();
    const { posted, poster } = recorder();
    const deps = { shards, poster, known, forget: async () => undefined };
    for (const id of ['a', 'b']) await shards.join('ev', 0, id);
    // The instance's first job: nothing known yet, so it waits for the read like any worker.
    await deliverToShard(deps, job('v1'));
    expect(posted).toEqual([
      ['a', 'v1'],
      ['b', 'v1'],
    ]);
    posted.length = 0;

    await shards.join('ev', 0, 'c');
    const gate = shards.gate();
    const delivering = deliverToShard(deps, job('v2'));
    await new Promise((resolve) => setImmediate(resolve));
    // a and b have it while the read is still out; c (joined after the last read) does not yet.
    expect(posted).toEqual([
      ['a', 'v2'],
      ['b', 'v2'],
    ]);
    gate.release();
    expect(await delivering).toEqual({ sent: 3, gone: 0, failedPosts: 0 });
    // c got it once the read found it; a and b only once.
    expect(posted).toEqual([
      ['a', 'v2'],
      ['b', 'v2'],
      ['c', 'v2'],
    ]);
  });

  it('still fails the job when the read fails (its retry reaches everyone; repeats are ignored by version)', async () => {
    const shards = new GatedShards();
    const known = new KnownMembers();
    const { posted, poster } = recorder();
    const deps = { shards, poster, known, forget: async () => undefined };
    await shards.join('ev', 0, 'a');
    await deliverToShard(deps, job('v1'));
    await shards.join('ev', 0, 'b');
    const gate = shards.gate();
    const delivering = deliverToShard(deps, job('v2'));
    gate.fail();
    await expect(delivering).rejects.toThrow('ProvisionedThroughputExceededException');
    expect(posted).toEqual([
      ['a', 'v1'],
      ['a', 'v2'],
    ]);
  });

  it('removes a known member that is gone (410) from its shard', async () => {
    const shards = new FakeShards();
    const known = new KnownMembers();
    const { poster } = recorder();
    const forgotten: string[] = [];
    const deps = {
      shards,
      poster,
      known,
      forget: async (id: string) => {
        forgotten.push(id);
      },
    };
    for (const id of ['a', 'gone-1']) await shards.join('ev', 0, id);
    expect(await deliverToShard(deps, job('v1'))).toEqual({ sent: 1, gone: 1, failedPosts: 0 });
    expect(await shards.members('ev', 0)).toEqual(['a']);
    expect(await deliverToShard(deps, job('v2'))).toEqual({ sent: 1, gone: 0, failedPosts: 0 });
    expect(forgotten).toEqual(['gone-1']);
  });
});

describe('the live map cost meter', () => {
  it('prices 100,000 viewers: the socket budget on sockets, the rest polling through CloudFront', () => {
    const cost = priceLiveMap({
      viewers: 100_000,
      socketBudget: 1_500,
      tickMs: 250,
      shards: 16,
      saleMinutes: 10,
      watchMinutes: 30,
      pollSeconds: 1,
      edgeLocations: 50,
      snapshotBytes: 8_000,
      pingMinutes: 5,
    });
    expect(cost).toMatchObject({
      socketViewers: 1_500,
      pollers: 98_500,
      postsPerSecond: 6_000,
      shareOfAccountRequestBudget: 0.6,
      viewerRequestsPerSecond: 98_500,
      originRequestsPerSecond: 50,
    });
    const line = (item: string) => cost.lines.find((l) => l.item.startsWith(item))!;
    // 1,500 × 4 ticks/s × 600 s, + a ping per 5 min and subscribe + its answer per socket.
    expect(line('WebSocket messages').quantity).toBe(1_500 * 4 * 600 + 1_500 * 6 + 3_000);
    expect(line('WebSocket connection-minutes').quantity).toBe(45_000);
    expect(line('CloudFront requests').quantity).toBe(98_500 * 1_800);
    expect(line('HTTP API requests').quantity).toBe(50 * 1_800);
    expect(cost.totalDollars).toBeGreaterThan(0);
  });
});
