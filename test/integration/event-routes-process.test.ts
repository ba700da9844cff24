import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeatMapSnapshot } from '../../contract/live-messages';
import { createEvent } from '../../lambdas/core/events/create-event';
import { createStore } from '../../lambdas/core/platform/store';
import { type EventRoutesProcess, startEventRoutesProcess } from '../../local/event-routes-process';
import { testDynamoEndpoint, useTestTables } from '../support/local-dynamo';

/**
 * The read-only event routes in a process of their own (what bench:fanout polls during a sale):
 * the same handler on the same tables, with the snapshot's ETag and 304; every other route is
 * not served there; stop() ends the process.
 */
describe('the event routes process', () => {
  let routes: EventRoutesProcess;

  beforeAll(async () => {
    const { client, tables } = await useTestTables();
    await createEvent(createStore(client, tables), {
      eventId: 'apart',
      name: 'Apart',
      rows: 2,
      seatsPerRow: 3,
      priceCents: 1000,
      currency: 'EUR',
      holdSeconds: 300,
      maxSeatsPerOrder: 6,
    });
    routes = await startEventRoutesProcess({ dynamoEndpoint: testDynamoEndpoint(), tables }, () => undefined);
  });

  afterAll(async () => {
    await routes?.stop();
  });

  it('serves the seat map with its ETag, and 304 for that tag', async () => {
    expect(routes.pid).not.toBe(process.pid);
    const url = `${routes.url}/api/events/apart/seat-map`;
    const first = await fetch(url);
    expect(first.status).toBe(200);
    const { seatMap } = (await first.json()) as { seatMap: SeatMapSnapshot };
    expect(seatMap).toMatchObject({ eventId: 'apart', rows: 2, seatsPerRow: 3, states: 'AAAAAA' });
    const tag = first.headers.get('etag')!;
    const again = await fetch(url, { headers: { 'if-none-match': tag } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(tag);
  });

  it('serves the event list, and nothing but the event routes', async () => {
    const list = (await (await fetch(`${routes.url}/api/events`)).json()) as { events: { eventId: string }[] };
    expect(list.events.map((event) => event.eventId)).toContain('apart');
    const order = await fetch(`${routes.url}/api/events/apart/orders`, { method: 'POST', body: '{}' });
    expect(order.status).toBe(404);
  });

  it('stop() ends the process', async () => {
    await routes.stop();
    expect(() => process.kill(routes.pid, 0)).toThrow();
  });
});
