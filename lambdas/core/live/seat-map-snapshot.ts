import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SeatView } from '../../../contract/event-views';
import {
  rowLabel,
  type SeatDelta,
  type SeatMapSnapshot,
  type SeatsMessage,
  STATE_LETTERS,
} from '../../../contract/live-messages';
import { writeIf } from '../platform/conditional-write';
import type { Store } from '../platform/store';
import type { SeatItem, SeatStatus } from '../seats/seat-item';
import { readSeats } from '../seats/seat-map';

/**
 * One versioned seat map per event, built once per tick from the seat items and kept as one item
 * (the buyers table, key `eventId` + `#seat-map`, like the availability summary): every read of the
 * map — the event page's snapshot, the pollers' compact map — is one GetItem, never a read of the
 * seat items. The version grows by one per build that changed something; each build also yields
 * the deltas from the previous version, which is what viewers receive.
 */

export const SEAT_MAP_KEY = '#seat-map';

/** The stored map: the compact snapshot plus each seat's own version (for the full seat views). */
export interface StoredSeatMap extends SeatMapSnapshot {
  /** Per-seat versions by seat index, base 36, comma-separated (compact: ~3 bytes a seat). */
  readonly seatVersions: string;
}

export function seatIndex(rowIndex: number, number: number, seatsPerRow: number): number {
  return rowIndex * seatsPerRow + number - 1;
}

/** The map of these seat items (raw states: clients treat a lapsed hold as available themselves). */
export function buildSeatMap(
  eventId: string,
  seats: readonly SeatItem[],
  version: number,
  builtAt: number,
): StoredSeatMap {
  const rows = seats.reduce((most, seat) => Math.max(most, seat.rowIndex + 1), 0);
  const seatsPerRow = seats.reduce((most, seat) => Math.max(most, seat.number), 0);
  const states = new Array<string>(rows * seatsPerRow).fill(STATE_LETTERS.AVAILABLE);
  const versions = new Array<string>(rows * seatsPerRow).fill('0');
  const holds: Record<string, number> = {};
  for (const seat of seats) {
    const index = seatIndex(seat.rowIndex, seat.number, seatsPerRow);
    states[index] = STATE_LETTERS[seat.status];
    versions[index] = seat.version.toString(36);
    if (seat.status === 'HELD' && seat.holdExpiresAt !== undefined) holds[String(index)] = seat.holdExpiresAt;
  }
  return {
    eventId,
    version,
    rows,
    seatsPerRow,
    states: states.join(''),
    holds,
    builtAt,
    seatVersions: versions.join(','),
  };
}

/**
 * `map` with the seat items' new images of a stream batch applied, as the next `version`: each
 * seat takes its newest image when that is newer than the map's. What a re-read of the seat items
 * would build, provided the images follow on from the map — every seat's versions since the map's
 * must all be there (each write adds one). Otherwise (a gap: a change the map lacks and the batch
 * does not carry — a batch dropped after its retries, the map built before the stream was read, a
 * seat the map does not know) the answer is `undefined` and the caller re-reads the seats.
 */
export function applySeatImages(
  map: StoredSeatMap,
  images: readonly SeatItem[],
  version: number,
  builtAt: number,
): StoredSeatMap | undefined {
  const versions = map.seatVersions.split(',');
  const byIndex = new Map<number, SeatItem[]>();
  for (const image of images) {
    if (image.eventId !== map.eventId) continue;
    if (image.rowIndex >= map.rows || image.number < 1 || image.number > map.seatsPerRow) return undefined;
    const index = seatIndex(image.rowIndex, image.number, map.seatsPerRow);
    byIndex.set(index, [...(byIndex.get(index) ?? []), image]);
  }
  const states = [...map.states];
  const holds = { ...map.holds };
  for (const [index, seatImages] of byIndex) {
    const known = Number.parseInt(versions[index] ?? '0', 36);
    if (!(known > 0)) return undefined; // no seat at this index in the map
    const newer = [...new Set(seatImages.map((image) => image.version))].filter((v) => v > known).sort((a, b) => a - b);
    if (newer.length === 0) continue;
    if (newer.some((v, i) => v !== known + 1 + i)) return undefined;
    const newest = seatImages.find((image) => image.version === newer.at(-1))!;
    states[index] = STATE_LETTERS[newest.status];
    versions[index] = newest.version.toString(36);
    if (newest.status === 'HELD' && newest.holdExpiresAt !== undefined) holds[String(index)] = newest.holdExpiresAt;
    else delete holds[String(index)];
  }
  return { ...map, version, builtAt, states: states.join(''), holds, seatVersions: versions.join(',') };
}

const STATUS_OF: Readonly<Record<string, SeatStatus>> = { A: 'AVAILABLE', H: 'HELD', S: 'SOLD' };

/** Every seat whose own version differs between two builds, as it is in `after`. */
export function seatMapDeltas(before: StoredSeatMap | undefined, after: StoredSeatMap): SeatDelta[] {
  const beforeVersions =
    before && before.seatsPerRow === after.seatsPerRow ? before.seatVersions.split(',') : ([] as string[]);
  const afterVersions = after.seatVersions.split(',');
  const deltas: SeatDelta[] = [];
  for (const [index, version] of afterVersions.entries()) {
    if (beforeVersions[index] === version) continue;
    const status = STATUS_OF[after.states[index]!] ?? 'AVAILABLE';
    const holdExpiresAt = status === 'HELD' ? after.holds[String(index)] : undefined;
    deltas.push({
      seatId: `${rowLabel(Math.floor(index / after.seatsPerRow))}${(index % after.seatsPerRow) + 1}`,
      status,
      version: Number.parseInt(version, 36),
      ...(holdExpiresAt === undefined ? {} : { holdExpiresAt }),
    });
  }
  return deltas;
}

/** The full seat views of a stored map (what `GET /api/events/{eventId}` shows), lapsed holds available. */
export function seatViewsOf(map: StoredSeatMap, now: number): SeatView[] {
  const versions = map.seatVersions.split(',');
  const views: SeatView[] = [];
  for (const [index, version] of versions.entries()) {
    if (version === '0') continue; // no seat at this index
    const raw = STATUS_OF[map.states[index]!] ?? 'AVAILABLE';
    const holdExpiresAt = map.holds[String(index)];
    const lapsed = raw === 'HELD' && (holdExpiresAt ?? 0) < now;
    const rowIndex = Math.floor(index / map.seatsPerRow);
    const number = (index % map.seatsPerRow) + 1;
    views.push({
      seatId: `${rowLabel(rowIndex)}${number}`,
      rowIndex,
      number,
      status: lapsed ? 'AVAILABLE' : raw,
      version: Number.parseInt(version, 36),
      ...(raw === 'HELD' && !lapsed ? { holdExpiresAt } : {}),
    });
  }
  return views;
}

/** What pollers get: the compact snapshot without the per-seat versions. */
export function compactOf(map: StoredSeatMap): SeatMapSnapshot {
  const { seatVersions: _versions, ...compact } = map;
  return compact;
}

/** Changes with `version` and `builtAt`: a rebuilt map never repeats an earlier one's tag. */
export function entityTag(map: Pick<SeatMapSnapshot, 'version' | 'builtAt'>): string {
  return `"${map.version}-${map.builtAt.toString(36)}"`;
}

/** The largest `seats` message sent as deltas; above it viewers are told to refetch (API Gateway's frame limit is 128 KiB). */
export const MAX_DELTA_MESSAGE_BYTES = 96 * 1024;

/** The message of one tick: the deltas, or (too many for a frame) an empty one that makes every viewer refetch. */
export function tickMessage(eventId: string, before: StoredSeatMap | undefined, after: StoredSeatMap): SeatsMessage {
  const seats = seatMapDeltas(before, after);
  const message: SeatsMessage = {
    type: 'seats',
    eventId,
    seats,
    version: after.version,
    baseVersion: before?.version ?? 0,
    builtAt: after.builtAt,
  };
  if (JSON.stringify(message).length <= MAX_DELTA_MESSAGE_BYTES) return message;
  // baseVersion −1 matches no client's version: each refetches the snapshot.
  return { type: 'seats', eventId, seats: [], version: after.version, baseVersion: -1, builtAt: after.builtAt };
}

export async function readSeatMap(store: Store, eventId: string): Promise<StoredSeatMap | undefined> {
  const result = await store.doc.send(
    new GetCommand({ TableName: store.tables.buyers, Key: { eventId, buyerId: SEAT_MAP_KEY }, ConsistentRead: true }),
  );
  if (!result.Item) return undefined;
  const { buyerId: _key, ...map } = result.Item;
  return map as StoredSeatMap;
}

/** Writes `next` if the stored map is still `previous` (by version); false when another build won. */
export function writeSeatMap(store: Store, previous: StoredSeatMap | undefined, next: StoredSeatMap): Promise<boolean> {
  return writeIf(
    store,
    new PutCommand({
      TableName: store.tables.buyers,
      Item: { ...next, buyerId: SEAT_MAP_KEY },
      ...(previous
        ? { ConditionExpression: 'version = :version', ExpressionAttributeValues: { ':version': previous.version } }
        : { ConditionExpression: 'attribute_not_exists(eventId)' }),
    }),
  );
}

/**
 * The event's map, built once when there is none yet (a new event, a table from before the map):
 * later reads never touch the seat items. A strongly consistent read of the seats, so the first
 * build misses nothing written before it.
 */
export async function seatMapOf(store: Store, eventId: string): Promise<StoredSeatMap> {
  const stored = await readSeatMap(store, eventId);
  if (stored) return stored;
  const built = buildSeatMap(eventId, await readSeats(store, eventId, { consistent: true }), 1, store.now());
  // No seats: nothing to keep (an id no event has must not leave an item behind).
  if (built.states.length === 0) return built;
  if (await writeSeatMap(store, undefined, built)) return built;
  return (await readSeatMap(store, eventId)) ?? built;
}
