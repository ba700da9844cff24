import { listedEvents } from '../core/events/event-listing';
import { getEvent } from '../core/events/event-records';
import {
  compactOf,
  entityTag,
  readSeatMap,
  type StoredSeatMap,
  seatMapOf,
  seatViewsOf,
} from '../core/live/seat-map-snapshot';
import type { Store } from '../core/platform/store';
import { fromEnvironment, type Platform } from '../wiring/platform';
import { cacheableSerialized, json } from './http';
import { header } from './request';
import { routeHandler } from './routing';

/**
 * Read-only event routes; none of them reads the seat items (the live map's tick builder keeps one
 * versioned map item per event, lambdas/core/live/seat-map-snapshot.ts):
 *   GET /api/events                     → the events on sale
 *   GET /api/events/{eventId}           → one event with its seat views (per-seat versions) and map version
 *   GET /api/events/{eventId}/seat-map  → the compact map, `ETag` + `Cache-Control: max-age=1`
 *                                          (CloudFront answers repeated polls), `If-None-Match` → 304
 */
export function createHandler(platform: Pick<Platform, 'store'>) {
  const recent = recentMaps(platform.store);
  return routeHandler({
    'GET /api/events': async () => json(200, { events: await listedEvents(platform.store) }),
    'GET /api/events/{eventId}': async (event) => {
      const { store } = platform;
      const eventId = event.pathParameters?.eventId ?? '';
      const record = await getEvent(store, eventId);
      const map = await seatMapOf(store, eventId);
      const now = store.now();
      return json(200, { event: record, seats: seatViewsOf(map, now), mapVersion: map.version, servedAt: now });
    },
    'GET /api/events/{eventId}/seat-map': async (event) => {
      const { tag, body } = await recent(event.pathParameters?.eventId ?? '');
      return cacheableSerialized(header(event, 'if-none-match'), tag, SEAT_MAP_CACHE_CONTROL, body);
    },
  });
}

/** One second: CloudFront and browsers answer repeated polls; a tick is 0.25 s, so a poll is ≤ ~1.25 s behind. */
export const SEAT_MAP_CACHE_CONTROL = 'public, max-age=1';

/** The stored map; only an event without one yet (or none at all: 404) costs more than one read. */
async function pollableMap(store: Store, eventId: string): Promise<StoredSeatMap> {
  const stored = await readSeatMap(store, eventId);
  if (stored) return stored;
  await getEvent(store, eventId);
  return seatMapOf(store, eventId);
}

/** A map as pollers get it: its tag and its JSON body, rendered once per read, not per request. */
export interface RenderedMap {
  readonly tag: string;
  readonly body: string;
}

export function renderSeatMap(map: StoredSeatMap): RenderedMap {
  return { tag: entityTag(map), body: JSON.stringify({ seatMap: compactOf(map) }) };
}

/**
 * The maps this function instance read in the last tick, rendered: pollers of one event arrive
 * together (up to thousands a second where no CloudFront is in front, as on the local stack), and
 * one read and one serialization per tick serve them all. At most one tick (250 ms) staler than the
 * item, well within max-age=1.
 */
export const RECENT_MAP_MS = 250;

function recentMaps(store: Store): (eventId: string) => Promise<RenderedMap> {
  const recent = new Map<string, { readAt: number; map: Promise<RenderedMap> }>();
  return (eventId) => {
    const now = store.now();
    const known = recent.get(eventId);
    if (known && now - known.readAt < RECENT_MAP_MS) return known.map;
    const map = pollableMap(store, eventId).then(renderSeatMap);
    recent.set(eventId, { readAt: now, map });
    // A failed read (an unknown event, a throttle) is not kept.
    map.catch(() => recent.delete(eventId));
    // Bounded: events come and go; a few entries per instance at most.
    if (recent.size > 100) recent.delete(recent.keys().next().value as string);
    return map;
  };
}

export const handler = fromEnvironment(createHandler);
