import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { EventExists } from '../platform/errors';
import type { Store } from '../platform/store';
import { seedAvailability } from '../seats/availability';
import { parseSeatId, seatIdsOf } from '../seats/seat-ids';
import type { SeatItem } from '../seats/seat-item';
import { forgetEvent } from './event-memo';
import type { EventRecord } from './event-records';
import { eventIdFor, parseEventInput } from './event-spec';

const BATCH_SIZE = 25; // DynamoDB's BatchWriteItem limit
const PARALLEL_BATCHES = 8;

/**
 * Creates an event, one AVAILABLE seat item per seat and the availability summary (every seat free). The event item is written first and
 * conditionally, so two organisers can never create the same event id; it goes ON_SALE only after
 * every seat exists.
 */
export async function createEvent(store: Store, input: unknown): Promise<EventRecord> {
  const spec = parseEventInput(input);
  const now = store.now();
  const event: EventRecord = {
    ...spec,
    eventId: spec.eventId ?? eventIdFor(spec.name, store.random),
    status: 'SETTING_UP',
    seatCount: spec.rows * spec.seatsPerRow,
    createdAt: now,
  };
  try {
    await store.doc.send(
      new PutCommand({
        TableName: store.tables.events,
        Item: event,
        ConditionExpression: 'attribute_not_exists(eventId)',
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) throw new EventExists(event.eventId);
    throw error;
  }
  const seatIds = seatIdsOf(spec.rows, spec.seatsPerRow);
  await writeSeats(store, event.eventId, seatIds, now);
  // The availability summary starts with every seat free; the seats stream keeps it in step.
  await seedAvailability(store, event.eventId, seatIds);
  await store.doc.send(
    new UpdateCommand({
      TableName: store.tables.events,
      Key: { eventId: event.eventId },
      UpdateExpression: 'SET #status = :onSale',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':onSale': 'ON_SALE' },
    }),
  );
  forgetEvent(store, event.eventId); // a read of the id while it was being set up is not kept
  return { ...event, status: 'ON_SALE' };
}

async function writeSeats(store: Store, eventId: string, seatIds: string[], now: number): Promise<void> {
  const batches: SeatItem[][] = [];
  for (let i = 0; i < seatIds.length; i += BATCH_SIZE) {
    batches.push(
      seatIds.slice(i, i + BATCH_SIZE).map((seatId) => {
        const { rowIndex, number } = parseSeatId(seatId)!;
        return { eventId, seatId, rowIndex, number, status: 'AVAILABLE', version: 1, updatedAt: now };
      }),
    );
  }
  for (let i = 0; i < batches.length; i += PARALLEL_BATCHES) {
    await Promise.all(batches.slice(i, i + PARALLEL_BATCHES).map((batch) => writeBatch(store, batch)));
  }
}

/** One BatchWriteItem, re-sending whatever DynamoDB left unprocessed (it does under load). */
async function writeBatch(store: Store, seats: SeatItem[]): Promise<void> {
  let requests = seats.map((Item) => ({ PutRequest: { Item } }));
  for (let attempt = 0; requests.length > 0; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
    const result = await store.doc.send(new BatchWriteCommand({ RequestItems: { [store.tables.seats]: requests } }));
    requests = (result.UnprocessedItems?.[store.tables.seats] ?? []) as typeof requests;
    if (attempt > 10 && requests.length > 0) throw new Error('DynamoDB kept refusing seat writes');
  }
}
