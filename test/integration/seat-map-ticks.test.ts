import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { parseLiveMessage, type SeatsMessage } from '../../contract/live-messages';
import { createEvent } from '../../lambdas/core/events/create-event';
import { buildSeatMap, readSeatMap, SEAT_MAP_KEY, seatMapOf } from '../../lambdas/core/live/seat-map-snapshot';
import { LastBuilt, tickSeatMap } from '../../lambdas/core/live/seat-map-ticks';
import type { ShardJob } from '../../lambdas/core/live/shard-delivery';
import { parseConfig } from '../../lambdas/core/platform/config';
import { createStore, type Store } from '../../lambdas/core/platform/store';
import { confirmSeats, holdSeats } from '../../lambdas/core/seats/seat-locks';
import { readSeats } from '../../lambdas/core/seats/seat-map';
import { createHandler } from '../../lambdas/realtime/live-map';
import { useTestTables } from '../support/local-dynamo';

/**
 * The tick builder on DynamoDB Local, fed hand-made stream batches: a retried batch publishes
 * nothing, each change is the next version exactly once, racing builders publish one version.
 */

const EVENT = {
  eventId: 'ticks',
  name: 'Ticks',
  rows: 2,
  seatsPerRow: 3,
  priceCents: 1000,
  currency: 'EUR',
  holdSeconds: 300,
  maxSeatsPerOrder: 6,
};

/** A stream record of a seat item as it is now (its keys and new image, as DynamoDB Streams carries them). */
async function recordOf(store: Store, seatId: string, sequence: number): Promise<DynamoDBRecord> {
  const { Item } = await store.doc.send(
    new GetCommand({ TableName: store.tables.seats, Key: { eventId: EVENT.eventId, seatId }, ConsistentRead: true }),
  );
  return {
    eventName: 'MODIFY',
    dynamodb: {
      Keys: { eventId: { S: EVENT.eventId }, seatId: { S: seatId } },
      NewImage: marshall(Item!) as NonNullable<DynamoDBRecord['dynamodb']>['NewImage'],
      SequenceNumber: String(sequence),
    },
  };
}

/** A stream batch of these seats' current images. */
async function batch(store: Store, seatIds: string | string[], sequence: number): Promise<DynamoDBStreamEvent> {
  const ids = Array.isArray(seatIds) ? seatIds : [seatIds];
  return { Records: await Promise.all(ids.map((seatId, i) => recordOf(store, seatId, sequence + i))) };
}

describe('seat-map ticks on DynamoDB Local', () => {
  let store: Store;
  let tables: Store['tables'];
  let client: Parameters<typeof createStore>[0];
  const jobs: ShardJob[] = [];
  let handler: (event: DynamoDBStreamEvent) => Promise<void>;
  const published = () => [
    ...new Map(jobs.map((job) => [job.data, parseLiveMessage(job.data) as SeatsMessage])).values(),
  ];

  beforeAll(async () => {
    ({ client, tables } = await useTestTables());
    store = createStore(client, tables);
    await createEvent(store, EVENT);
    handler = createHandler({
      store,
      config: parseConfig({ LIVE_MAP_TICK_MS: '0', LIVE_MAP_SHARDS: '3' }),
      shardInvoker: {
        async invoke(job) {
          jobs.push(job);
        },
      },
    });
  });

  it('publishes each change once as the next version, to every shard; a retried batch publishes nothing', async () => {
    const first = await seatMapOf(store, EVENT.eventId); // the map as an early reader built it
    await holdSeats(store, {
      eventId: EVENT.eventId,
      orderId: 'o1',
      seatIds: ['A2'],
      holdExpiresAt: Date.now() + 60_000,
    });
    const change = await batch(store, 'A2', 1);
    await handler(change);
    await handler(change); // Lambda retries the batch: same seats, same map
    expect(jobs.map((job) => job.shard).sort()).toEqual([0, 1, 2]);
    expect(published()).toEqual([
      {
        type: 'seats',
        eventId: EVENT.eventId,
        version: first.version + 1,
        baseVersion: first.version,
        builtAt: expect.any(Number),
        seats: [{ seatId: 'A2', status: 'HELD', version: 2, holdExpiresAt: expect.any(Number) }],
      },
    ]);
    expect((await readSeatMap(store, EVENT.eventId))?.version).toBe(first.version + 1);
  });

  it('orders racing builders by the conditional write: one version per change, never two with one base', async () => {
    jobs.length = 0;
    const before = (await readSeatMap(store, EVENT.eventId))!.version;
    await holdSeats(store, {
      eventId: EVENT.eventId,
      orderId: 'o2',
      seatIds: ['B1'],
      holdExpiresAt: Date.now() + 60_000,
    });
    const change = await batch(store, 'B1', 2);
    await Promise.all([handler(change), handler(change), handler(change)]);
    const messages = published();
    expect(messages.map((m) => [m.baseVersion, m.version])).toEqual([[before, before + 1]]);
    expect((await readSeatMap(store, EVENT.eventId))?.version).toBe(before + 1);
  });

  it('ignores records of other tables and events without seats', async () => {
    jobs.length = 0;
    await handler({ Records: [{ dynamodb: { Keys: { orderId: { S: 'o1' } }, NewImage: { orderId: { S: 'o1' } } } }] });
    expect(jobs).toEqual([]);
  });

  it('waits for the tick before reading the map when it knows the last build: one map read per tick, not two', async () => {
    let clock = Date.now();
    const timed = createStore(client, tables, { now: () => clock });
    const send = vi.spyOn(timed.doc, 'send');
    const mapReads = () =>
      send.mock.calls.filter(
        ([command]) => command instanceof GetCommand && command.input.Key?.buyerId === SEAT_MAP_KEY,
      ).length;
    const lastBuilt = new LastBuilt();
    const deps = {
      store: timed,
      tickMs: 250,
      lastBuilt,
      sleep: async (ms: number) => {
        clock += ms;
      },
      publish: async () => undefined,
    };
    const hold = (seatId: string, orderId: string) =>
      holdSeats(store, { eventId: EVENT.eventId, orderId, seatIds: [seatId], holdExpiresAt: Date.now() + 60_000 });
    clock += 1_000; // the last build is a tick behind: no wait
    await hold('A3', 'o3');
    const builtAt = clock;
    const first = await tickSeatMap(deps, EVENT.eventId);
    expect(first.outcome).toBe('published');
    expect(lastBuilt.get(EVENT.eventId)).toBe(builtAt);
    expect(clock).toBe(builtAt + 250); // the rest of the tick waited out after publishing

    clock -= 240; // the next change comes within the tick (as if the batch came early)
    await hold('B3', 'o4');
    send.mockClear();
    const second = await tickSeatMap(deps, EVENT.eventId);
    expect(second).toMatchObject({ outcome: 'published', version: first.version + 1 });
    expect(mapReads()).toBe(1);
    expect(lastBuilt.get(EVENT.eventId)).toBe(builtAt + 250); // built once the tick was over
  });

  it('builds a tick from the batch’s images without reading the seats; a gap in them makes it read the seats', async () => {
    const counted = createStore(client, tables);
    const send = vi.spyOn(counted.doc, 'send');
    const seatQueries = () => send.mock.calls.filter(([command]) => command instanceof QueryCommand).length;
    const builder = createHandler({
      store: counted,
      config: parseConfig({ LIVE_MAP_TICK_MS: '0', LIVE_MAP_SHARDS: '1' }),
      shardInvoker: { invoke: async () => undefined },
    });
    const rereadMap = async () => {
      const map = (await readSeatMap(store, EVENT.eventId))!;
      const seats = buildSeatMap(EVENT.eventId, await readSeats(store, EVENT.eventId, { consistent: true }), 0, 0);
      return {
        stored: [map.states, map.seatVersions, map.holds],
        reread: [seats.states, seats.seatVersions, seats.holds],
      };
    };
    const request = { eventId: EVENT.eventId, orderId: 'o5', seatIds: ['A1'], holdExpiresAt: Date.now() + 60_000 };

    await holdSeats(store, request);
    await builder(await batch(store, 'A1', 10)); // a new instance re-reads once
    expect(seatQueries()).toBe(1);

    send.mockClear();
    await confirmSeats(store, request);
    await builder(await batch(store, 'A1', 11));
    expect(seatQueries()).toBe(0);
    const fromImages = await rereadMap();
    expect(fromImages.stored).toEqual(fromImages.reread);

    // B2 written twice, the batch carrying only the newest image (the first record was given up on).
    send.mockClear();
    const other = { eventId: EVENT.eventId, orderId: 'o6', seatIds: ['B2'], holdExpiresAt: Date.now() + 60_000 };
    await holdSeats(store, other);
    await confirmSeats(store, other);
    await builder(await batch(store, 'B2', 12));
    expect(seatQueries()).toBe(1);
    const afterGap = await rereadMap();
    expect(afterGap.stored).toEqual(afterGap.reread);
  });
});
