import { GetCommand, ScanCommand, type ScanCommandInput } from '@aws-sdk/lib-dynamodb';
import { EventNotFound } from '../platform/errors';
import type { Store } from '../platform/store';
import type { EventSpec } from './event-spec';

/**
 * `SETTING_UP` → `ON_SALE`; `PAUSED` while an operator reset runs (no new hold or change of seats
 * starts: holds.ts sells only ON_SALE events), then `ON_SALE` again.
 */
export type EventStatus = 'SETTING_UP' | 'ON_SALE' | 'PAUSED';

export interface EventRecord extends Omit<EventSpec, 'eventId'> {
  readonly eventId: string;
  readonly status: EventStatus;
  readonly seatCount: number;
  readonly createdAt: number;
  /** Grows with every edit (edit-event.ts: the condition of its write); absent until the first. */
  readonly version?: number;
}

export async function getEvent(store: Store, eventId: string): Promise<EventRecord> {
  const result = await store.doc.send(new GetCommand({ TableName: store.tables.events, Key: { eventId } }));
  if (!result.Item) throw new EventNotFound(eventId);
  return result.Item as EventRecord;
}

/** All events, newest first. The events table stays small (one item per event). */
export async function listEvents(store: Store): Promise<EventRecord[]> {
  const events: EventRecord[] = [];
  let startKey: ScanCommandInput['ExclusiveStartKey'];
  do {
    const page = await store.doc.send(new ScanCommand({ TableName: store.tables.events, ExclusiveStartKey: startKey }));
    events.push(...((page.Items ?? []) as EventRecord[]));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return events.sort((a, b) => b.createdAt - a.createdAt);
}
