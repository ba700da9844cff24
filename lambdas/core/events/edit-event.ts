import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { z } from 'zod';
import { anyOrderListed } from '../orders/buyer-orders';
import { EventNotEditable, EventNotFound, ValidationFailed } from '../platform/errors';
import { logger } from '../platform/logger';
import type { Store } from '../platform/store';
import { forgetEvent } from './event-memo';
import type { EventRecord } from './event-records';
import { EventFieldsSchema, parseEventInput } from './event-spec';

/**
 * What an operator may change before the sale: every field of the spec but the id; `null`
 * removes an optional one (no venue, no date, no levels, no waiting room, no sale start).
 * The grid (rows × seats per row) may be sent only unchanged: its seat items already exist.
 */
export const EventChangesSchema = EventFieldsSchema.omit({ eventId: true })
  .extend({
    venue: EventFieldsSchema.shape.venue.unwrap().nullable().optional(),
    startsAt: EventFieldsSchema.shape.startsAt.unwrap().nullable().optional(),
    priceLevels: EventFieldsSchema.shape.priceLevels.unwrap().nullable().optional(),
    waitingRoom: EventFieldsSchema.shape.waitingRoom.unwrap().nullable().optional(),
    salesStartAt: EventFieldsSchema.shape.salesStartAt.unwrap().nullable().optional(),
  })
  .partial();

export type EventChanges = z.input<typeof EventChangesSchema>;

/** Fields of the stored item that are not the spec's: kept as they are. */
const RECORD_ONLY = ['eventId', 'status', 'seatCount', 'createdAt', 'version'] as const;

/**
 * Edits an event before its sale: the changes merged into the stored spec and checked whole, as
 * a create is (a level past the map, a missing price), then ONE conditional Put — on the version
 * and status that were read, so two operators editing at once never lose an update (the later
 * one is refused and reads again) and a reset or sale start in between is not overwritten.
 *
 * The sale has begun once `salesStartAt` is past or any order exists (the buyers' lists of their
 * orders, orders/buyer-orders.ts: strongly consistent, only a create in flight may be missed); after
 * that, prices and rules are what buyers were charged and told, and stay.
 */
export async function editEvent(store: Store, eventId: string, input: unknown): Promise<EventRecord> {
  const parsed = EventChangesSchema.safeParse(input);
  if (!parsed.success) {
    throw new ValidationFailed(parsed.error.issues.map((i) => `${i.path.join('.') || 'event'}: ${i.message}`));
  }
  // Only the fields the operator sent: a schema default must not reset a field left out.
  const sent = new Set(Object.keys(input as object));
  const changes = Object.fromEntries(Object.entries(parsed.data).filter(([key]) => sent.has(key)));

  const current = await readEvent(store, eventId);
  if (changes.rows !== undefined && changes.rows !== current.rows)
    throw new EventNotEditable(eventId, 'the number of rows is fixed once its seats exist: create a new event');
  if (changes.seatsPerRow !== undefined && changes.seatsPerRow !== current.seatsPerRow)
    throw new EventNotEditable(eventId, 'the seats per row are fixed once its seats exist: create a new event');
  await refuseOnceOnSale(store, current);

  const merged: Record<string, unknown> = { ...specOf(current) };
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  // The waiting-room settings change field by field: what was not sent keeps its value, not its default.
  const sentRoom = (input as { waitingRoom?: unknown }).waitingRoom;
  if (sentRoom && typeof sentRoom === 'object') merged.waitingRoom = { ...current.waitingRoom, ...sentRoom };
  const spec = parseEventInput({ eventId, ...merged });
  const version = current.version ?? 0;
  const next: EventRecord = {
    ...spec,
    eventId,
    status: current.status,
    seatCount: current.seatCount,
    createdAt: current.createdAt,
    version: version + 1,
  };
  try {
    await store.doc.send(
      new PutCommand({
        TableName: store.tables.events,
        Item: next,
        ConditionExpression:
          '#status = :status AND (version = :version OR (attribute_not_exists(version) AND :version = :zero))',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': current.status, ':version': version, ':zero': 0 },
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException)
      throw new EventNotEditable(eventId, 'it was changed meanwhile: load it again and repeat the edit');
    throw error;
  }
  forgetEvent(store, eventId);
  logger.info('Event edited', { eventId, fields: Object.keys(changes), version: next.version });
  return next;
}

async function readEvent(store: Store, eventId: string): Promise<EventRecord> {
  const result = await store.doc.send(
    new GetCommand({ TableName: store.tables.events, Key: { eventId }, ConsistentRead: true }),
  );
  if (!result.Item) throw new EventNotFound(eventId);
  return result.Item as EventRecord;
}

async function refuseOnceOnSale(store: Store, event: EventRecord): Promise<void> {
  if (event.status !== 'ON_SALE' && event.status !== 'SETTING_UP')
    throw new EventNotEditable(event.eventId, `it is ${event.status}`);
  if (event.salesStartAt === undefined || Date.parse(event.salesStartAt) <= store.now()) {
    // Without a future sale start the event sells now: editable only while nobody has ordered.
    if (await anyOrderListed(store, event.eventId))
      throw new EventNotEditable(event.eventId, 'its sale has begun (it has orders)');
    if (event.salesStartAt !== undefined)
      throw new EventNotEditable(event.eventId, `its sale began at ${event.salesStartAt}`);
  }
}

function specOf(event: EventRecord): Record<string, unknown> {
  const spec: Record<string, unknown> = { ...event };
  for (const key of RECORD_ONLY) delete spec[key];
  return spec;
}
