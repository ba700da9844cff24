import { type AttributeValue, ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { QueryCommand, type QueryCommandInput, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { forEachLimited } from '../platform/concurrency';
import type { Store } from '../platform/store';
import { parseSeatId } from './seat-ids';
import type { SeatItem } from './seat-item';
import { readSeats } from './seat-map';

/**
 * The availability summary: which seats are free, one small item per row of the event, so a
 * buyer learns "sold out" or picks a best-available band from one Query instead of the seat map.
 *
 * Each row item lives in the `buyers` table under a reserved id (`#availability#row#<rowIndex>`,
 * next to the waiting room's position counters; unstreamed, so it wakes no consumer) and holds the
 * row's free seat ids as a DynamoDB string set (`free`). It is derived from the seats stream
 * (`lambdas/seats/availability-summary.ts`): ADD when a seat's newest image is AVAILABLE, DELETE
 * otherwise. ADD/DELETE of set members are idempotent, so a retried batch is harmless, and each
 * seat's records arrive in order on its stream shard (within a batch the highest `version`
 * wins). The seat lock (the conditional write on the seat item) stays the only arbiter: the
 * summary only says where to try and when to stop trying.
 *
 * Lag, by design: the summary trails the seats by the stream's delay (≈ 1 s on AWS, the local
 * feed's poll locally). A HELD seat whose hold lapsed counts as not free until it is released
 * (the order flow releases on expiry, the reconciler catches a dead flow), so for that window a
 * buyer may hear `SoldOut` while a lapsed hold waits for its release.
 */

export const AVAILABILITY_PREFIX = '#availability#row#';

export interface RowAvailability {
  readonly rowIndex: number;
  /** The row's free seat ids (unordered). */
  readonly free: readonly string[];
}

export interface Availability {
  readonly rows: readonly RowAvailability[];
  /** Free seats over all rows. */
  readonly freeCount: number;
}

interface SummaryItem {
  readonly eventId: string;
  readonly buyerId: string;
  readonly rowIndex: number;
  readonly free?: Set<string>;
}

const rowKey = (eventId: string, rowIndex: number) => ({ eventId, buyerId: `${AVAILABILITY_PREFIX}${rowIndex}` });

/**
 * The event's summary, one Query (row items are a few hundred bytes; 1 MB pages hold thousands of
 * rows). Undefined for an event that has none (created before the summary existed): callers then
 * fall back to the seat map. Eventually consistent: the conditional write decides, not this.
 */
export async function readAvailability(store: Store, eventId: string): Promise<Availability | undefined> {
  const rows: RowAvailability[] = [];
  let startKey: QueryCommandInput['ExclusiveStartKey'];
  do {
    const page = await store.doc.send(
      new QueryCommand({
        TableName: store.tables.buyers,
        KeyConditionExpression: 'eventId = :eventId AND begins_with(buyerId, :prefix)',
        ProjectionExpression: 'rowIndex, #free',
        ExpressionAttributeNames: { '#free': 'free' },
        ExpressionAttributeValues: { ':eventId': eventId, ':prefix': AVAILABILITY_PREFIX },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of (page.Items ?? []) as SummaryItem[]) {
      rows.push({ rowIndex: item.rowIndex, free: [...(item.free ?? [])] });
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  if (rows.length === 0) return undefined;
  rows.sort((a, b) => a.rowIndex - b.rowIndex);
  return { rows, freeCount: rows.reduce((n, row) => n + row.free.length, 0) };
}

/** Writes the summary of seats that are all free (event creation): one ADD per row, idempotent. */
export async function seedAvailability(store: Store, eventId: string, seatIds: readonly string[]): Promise<void> {
  const byRow = new Map<number, string[]>();
  for (const seatId of seatIds) {
    const rowIndex = parseSeatId(seatId)!.rowIndex;
    byRow.set(rowIndex, [...(byRow.get(rowIndex) ?? []), seatId]);
  }
  await forEachLimited([...byRow], 8, async ([rowIndex, ids]) => {
    await store.doc.send(
      new UpdateCommand({
        TableName: store.tables.buyers,
        Key: rowKey(eventId, rowIndex),
        UpdateExpression: 'SET rowIndex = :row ADD #free :ids',
        ExpressionAttributeNames: { '#free': 'free' },
        ExpressionAttributeValues: { ':row': rowIndex, ':ids': new Set(ids) },
      }),
    );
  });
}

/** One row's change from a stream batch: seats to add to and to remove from its free set. */
export interface RowChange {
  readonly eventId: string;
  readonly rowIndex: number;
  readonly free: readonly string[];
  readonly taken: readonly string[];
}

/**
 * What a seats-stream batch changes in the summary (pure). Per seat only its newest image counts
 * (highest `version`; a removed seat is not free); seats are grouped by row.
 *
 * A seat whose batch leaves it as free or as taken as it found it (the old image of its oldest
 * record says so) changes nothing: HELD → SOLD, the second change of every sale, was a DELETE of
 * a member already gone — one write unit per row and batch (issue #13). Such a change also no
 * longer repairs a summary that missed the seat's previous batch (given up on by the consumer):
 * the live-map sweep does (`availabilityRepairs`).
 */
export function availabilityChanges(records: readonly DynamoDBRecord[]): RowChange[] {
  const newest = new Map<string, { eventId: string; seatId: string; version: number; free: boolean }>();
  /** Per seat, whether it was free before the batch (its oldest record's old image; unknown: an insert). */
  const before = new Map<string, { version: number; wasFree: boolean | undefined }>();
  for (const record of records) {
    const image = record.dynamodb?.NewImage ?? record.dynamodb?.OldImage;
    if (!image?.seatId || !image.eventId) continue;
    const seat = unmarshall(image as Record<string, AttributeValue>) as SeatItem;
    const free =
      record.eventName !== 'REMOVE' && record.dynamodb?.NewImage !== undefined && seat.status === 'AVAILABLE';
    const key = `${seat.eventId}\u0000${seat.seatId}`;
    const seen = newest.get(key);
    const version = Number(seat.version ?? 0);
    if (!seen || version >= seen.version)
      newest.set(key, { eventId: seat.eventId, seatId: seat.seatId, version, free });
    const old = record.dynamodb?.OldImage;
    const wasFree = old?.status
      ? (unmarshall(old as Record<string, AttributeValue>) as SeatItem).status === 'AVAILABLE'
      : undefined;
    const first = before.get(key);
    if (!first || version < first.version) before.set(key, { version, wasFree });
  }
  const rows = new Map<string, { eventId: string; rowIndex: number; free: string[]; taken: string[] }>();
  for (const [seatKey, seat] of newest) {
    if (before.get(seatKey)?.wasFree === seat.free) continue; // as it was: nothing to change
    const position = parseSeatId(seat.seatId);
    if (!position) continue;
    const key = `${seat.eventId}\u0000${position.rowIndex}`;
    const row = rows.get(key) ?? { eventId: seat.eventId, rowIndex: position.rowIndex, free: [], taken: [] };
    (seat.free ? row.free : row.taken).push(seat.seatId);
    rows.set(key, row);
  }
  return [...rows.values()];
}

/**
 * Applies row changes. Only summaries that exist are updated (`attribute_exists(rowIndex)`): an
 * event created before the summary keeps none rather than a partial one (which would under-count).
 * ADD and DELETE of one attribute cannot share an update expression, so a row with both takes two.
 */
export async function applyAvailabilityChanges(store: Store, changes: readonly RowChange[]): Promise<void> {
  const updates = changes.flatMap((change) => [
    ...(change.free.length > 0 ? [{ change, op: 'ADD' as const, ids: change.free }] : []),
    ...(change.taken.length > 0 ? [{ change, op: 'DELETE' as const, ids: change.taken }] : []),
  ]);
  await forEachLimited(updates, 16, async ({ change, op, ids }) => {
    try {
      await store.doc.send(
        new UpdateCommand({
          TableName: store.tables.buyers,
          Key: rowKey(change.eventId, change.rowIndex),
          UpdateExpression: `${op} #free :ids`,
          ConditionExpression: 'attribute_exists(rowIndex)',
          ExpressionAttributeNames: { '#free': 'free' },
          ExpressionAttributeValues: { ':ids': new Set(ids) },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  });
}

/** Seats whose last change is younger than this are left to the stream (it is still delivering them). */
export const AVAILABILITY_SETTLE_MS = 60_000;

/**
 * What the summary lacks against the seat items themselves (pure): seats AVAILABLE but not listed
 * free, seats taken but listed. Only seats whose last write is older than `settledBefore`: a newer
 * one may still be on its way through the stream. A seat the stream consumer gave up on (its batch
 * sent to the on-failure destination) is otherwise wrong in the summary until its next change.
 */
export function availabilityRepairs(
  eventId: string,
  seats: readonly Pick<SeatItem, 'seatId' | 'rowIndex' | 'status' | 'updatedAt'>[],
  summary: Availability,
  settledBefore: number,
): RowChange[] {
  const listed = new Map(summary.rows.map((row) => [row.rowIndex, new Set(row.free)]));
  const rows = new Map<number, { free: string[]; taken: string[] }>();
  for (const seat of seats) {
    if (seat.updatedAt > settledBefore) continue;
    const free = seat.status === 'AVAILABLE';
    const row = listed.get(seat.rowIndex);
    if (!row || row.has(seat.seatId) === free) continue; // a row without a summary item keeps none
    const change = rows.get(seat.rowIndex) ?? { free: [], taken: [] };
    (free ? change.free : change.taken).push(seat.seatId);
    rows.set(seat.rowIndex, change);
  }
  return [...rows].map(([rowIndex, change]) => ({ eventId, rowIndex, ...change }));
}

/**
 * Brings the event's summary in line with its seat items (one strongly consistent Query of the
 * seats, one of the summary); the rows changed. Nothing for an event without a summary. Between
 * the read and the write a seat may change again: then the summary is wrong about it until its
 * stream record lands (which applies the newer state) or the next sweep — as it is advisory only
 * (the seat's conditional write decides), the window is harmless.
 */
export async function repairAvailability(store: Store, eventId: string): Promise<RowChange[]> {
  const summary = await readAvailability(store, eventId);
  if (!summary) return [];
  const seats = await readSeats(store, eventId, { consistent: true });
  const repairs = availabilityRepairs(eventId, seats, summary, store.now() - AVAILABILITY_SETTLE_MS);
  if (repairs.length > 0) await applyAvailabilityChanges(store, repairs);
  return repairs;
}
