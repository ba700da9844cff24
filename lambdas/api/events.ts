import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { getEvent, listEvents } from '../core/events/event-records';
import { readSeats, seatView } from '../core/seats/seat-map';
import { fromEnvironment, type Platform } from '../wiring/platform';
import { type ApiResult, json, respond } from './http';

/**
 * Read-only event routes:
 *   GET /api/events            → the events on sale
 *   GET /api/events/{eventId}  → one event with its seat-map snapshot (per-seat versions)
 */
export function createHandler(platform: Pick<Platform, 'store'>) {
  return async (event: APIGatewayProxyEventV2): Promise<ApiResult> =>
    respond(event, async () => {
      const { store } = platform;
      const eventId = event.pathParameters?.eventId;
      if (eventId === undefined) return json(200, { events: await listEvents(store) });
      const [record, seats] = await Promise.all([getEvent(store, eventId), readSeats(store, eventId)]);
      const now = store.now();
      return json(200, { event: record, seats: seats.map((s) => seatView(s, now)), servedAt: now });
    });
}

export const handler = fromEnvironment(createHandler);
