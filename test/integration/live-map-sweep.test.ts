import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeatMapSnapshot, SeatsMessage } from '../../contract/live-messages';
import { SEAT_MAP_TICKS } from '../../contract/stream-consumers';
import { createEvent } from '../../lambdas/core/events/create-event';
import { liveEventIds, sweepLiveMaps } from '../../lambdas/core/live/live-map-sweep';
import { readSeatMap, seatMapOf } from '../../lambdas/core/live/seat-map-snapshot';
import { createStore, type Store } from '../../lambdas/core/platform/store';
import { confirmSeats, holdSeats } from '../../lambdas/core/seats/seat-locks';
import { type LocalStack, startLocalStack } from '../../local/local-stack';
import { eventually } from '../support/eventually';
import { LiveClient } from '../support/live-client';
import { useTestTables } from '../support/local-dynamo';

/**
 * Issue #14's regression: the live map's stream builder repairs a map only when another batch of
 * its event arrives. When it gives up on the batch carrying an event's *last* seat change (retries
 * exhausted → dead letter), nothing else comes: the stored map and every open viewer stay stale.
 * The live-map sweep repairs it without any further seat change. Correctness only: the repair is
 * driven explicitly (`stack.liveMapSweep.runNow()`), the periodic timers are parked.
 */

const EVENT = {
  eventId: 'sweep-last-batch',
  name: 'Sweep',
  rows: 1,
  seatsPerRow: 3,
  priceCents: 1000,
  currency: 'EUR',
  holdSeconds: 300,
  maxSeatsPerOrder: 3,
};

const HOUR_MS = 3_600_000;

describe('the live map after its last stream batch is dead-lettered (local stack)', () => {
  let stack: LocalStack;
  let viewer: LiveClient;

  beforeAll(async () => {
    stack = await startLocalStack({
      port: 0,
      // Only this test moves the seats: the reconciler would free the seats of its made-up order.
      reconcileIntervalMs: HOUR_MS,
      liveMapSweepIntervalMs: HOUR_MS,
      environment: { POWERTOOLS_LOG_LEVEL: 'ERROR' },
    });
    await createEvent(stack.store, EVENT);
  });

  afterAll(async () => {
    await viewer?.close();
    await stack?.stop();
  });

  const storedMap = async (): Promise<SeatMapSnapshot> => {
    const response = await fetch(`${stack.url}/api/events/${EVENT.eventId}/seat-map`);
    expect(response.status).toBe(200);
    return ((await response.json()) as { seatMap: SeatMapSnapshot }).seatMap;
  };
  const seatsMessages = () =>
    viewer.messages.filter((m): m is SeatsMessage => m.type === 'seats' && m.eventId === EVENT.eventId);

  it('stays stale without a repair, and the sweep repairs the map and the open viewer with no further seat change', async () => {
    viewer = await LiveClient.connect(stack.webSocketUrl);
    await viewer.subscribe(EVENT.eventId);
    const first = await storedMap(); // the page's snapshot after subscribing (builds the map)
    expect(first.states).toBe('AAA');

    // A change the stream builder gets: the map and the viewer follow.
    await holdSeats(stack.store, {
      eventId: EVENT.eventId,
      orderId: 'o1',
      seatIds: ['A1'],
      holdExpiresAt: Date.now() + 300_000,
    });
    const held = await eventually(async () => {
      const map = await storedMap();
      expect(map.states).toBe('HAA');
      return map;
    });
    await viewer.next((m) => m.type === 'seats' && m.version === held.version, `version ${held.version}`);

    // The sale's last change: every delivery of its batch to the map builder fails → dead letter.
    stack.faults.set({
      rates: { 'stream.batchFailed': 1 },
      streamConsumers: [SEAT_MAP_TICKS.name],
      streamFailure: 'before',
    });
    await confirmSeats(stack.store, { eventId: EVENT.eventId, orderId: 'o1', seatIds: ['A1'] });
    await eventually(() =>
      expect(stack.faults.deadLetters.filter((letter) => letter.consumer === SEAT_MAP_TICKS.name)).toHaveLength(1),
    );
    stack.faults.set('off');

    // The bug: the seat is SOLD, the map (snapshot, pollers) and the viewer still say HELD.
    expect((await storedMap()).states).toBe('HAA');
    expect((await readSeatMap(stack.store, EVENT.eventId))?.version).toBe(held.version);
    expect(seatsMessages().filter((m) => (m.version ?? 0) > held.version)).toEqual([]);

    // The fix: one sweep run, no seat change.
    const summary = await stack.liveMapSweep.runNow();
    const repaired = await storedMap();
    expect(repaired).toMatchObject({ states: 'SAA', version: held.version + 1 });
    expect(summary.swept).toContainEqual({
      eventId: EVENT.eventId,
      outcome: 'published',
      fromVersion: held.version,
      version: held.version + 1,
      seats: 1,
    });
    const message = await viewer.next(
      (m) => m.type === 'seats' && m.version === held.version + 1,
      `the repair's version ${held.version + 1}`,
    );
    expect(message).toMatchObject({
      baseVersion: held.version,
      seats: [{ seatId: 'A1', status: 'SOLD' }],
    });

    // Idempotent: a second run finds the map right and writes and publishes nothing.
    const again = await stack.liveMapSweep.runNow();
    expect(again.swept).toContainEqual({ eventId: EVENT.eventId, outcome: 'unchanged', version: held.version + 1 });
    expect((await readSeatMap(stack.store, EVENT.eventId))?.version).toBe(held.version + 1);
  });
});

describe('the live-map sweep’s selection (DynamoDB Local)', () => {
  let store: Store;
  let clock = Date.now();
  const published: string[] = [];

  beforeAll(async () => {
    const { client, tables } = await useTestTables();
    store = createStore(client, tables, { now: () => clock });
  });

  const event = (eventId: string) => ({ ...EVENT, eventId });

  it('sweeps events whose map changed within the window; skips older maps and events without a map', async () => {
    await createEvent(store, event('moving'));
    await createEvent(store, event('quiet'));
    await createEvent(store, event('unread')); // on sale, never read: no map
    await seatMapOf(store, 'quiet'); // built now …
    clock += 31 * 60_000; // … and 31 minutes pass without a change
    await seatMapOf(store, 'moving');
    await holdSeats(store, { eventId: 'moving', orderId: 'o1', seatIds: ['A2'], holdExpiresAt: clock + 60_000 });

    expect(await liveEventIds(store)).toEqual({ candidates: 3, live: ['moving'] });
    const summary = await sweepLiveMaps({
      store,
      tickMs: 0,
      sleep: async () => undefined,
      publish: async (eventId, message) => void published.push(`${eventId}@${message.version}`),
    });
    // The map lacked the hold (no stream here): repaired as the next version, published once.
    expect(summary).toEqual({
      candidates: 3,
      swept: [{ eventId: 'moving', outcome: 'published', fromVersion: 1, version: 2, seats: 1 }],
    });
    expect(published).toEqual(['moving@2']);
    expect((await readSeatMap(store, 'moving'))?.states).toBe('AHA');
    // The quiet event's map was not even re-read from its seats: its version stays.
    expect((await readSeatMap(store, 'quiet'))?.version).toBe(1);
  });
});
