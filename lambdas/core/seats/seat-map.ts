import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { SeatView } from '../../../contract/event-views';
import type { Store } from '../platform/store';
import { effectiveStatus, type SeatItem } from './seat-item';

export type { SeatView };

/** Every seat of an event, front row first. Eventually consistent unless asked otherwise. */
export async function readSeats(
  store: Store,
  eventId: string,
  options: { consistent?: boolean } = {},
): Promise<SeatItem[]> {
  const seats = await querySeats(store, {
    KeyConditionExpression: 'eventId = :eventId',
    ExpressionAttributeValues: { ':eventId': eventId },
    ConsistentRead: options.consistent ?? false,
  });
  return seats.sort((a, b) => a.rowIndex - b.rowIndex || a.number - b.number);
}

/** What a seat picker needs to know of a seat. */
export type SeatCandidateItem = Pick<
  SeatItem,
  'seatId' | 'rowIndex' | 'number' | 'status' | 'orderId' | 'holdExpiresAt'
>;

/**
 * The seats an order could hold now (available, lapsed holds) plus those it already holds, with
 * just the attributes a picker needs. DynamoDB filters server-side, so once most seats are sold
 * a buyer's read returns little. Eventually consistent: the conditional write decides, not this.
 */
export async function readHoldableSeats(store: Store, eventId: string, orderId: string): Promise<SeatCandidateItem[]> {
  return querySeats(store, {
    KeyConditionExpression: 'eventId = :eventId',
    FilterExpression: '#status = :available OR (#status = :held AND (holdExpiresAt < :now OR orderId = :orderId))',
    ProjectionExpression: 'seatId, rowIndex, #number, #status, orderId, holdExpiresAt',
    ExpressionAttributeNames: { '#status': 'status', '#number': 'number' },
    ExpressionAttributeValues: {
      ':eventId': eventId,
      ':available': 'AVAILABLE',
      ':held': 'HELD',
      ':now': store.now(),
      ':orderId': orderId,
    },
  });
}

async function querySeats(
  store: Store,
  input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>,
): Promise<SeatItem[]> {
  const seats: SeatItem[] = [];
  let startKey: QueryCommandInput['ExclusiveStartKey'];
  do {
    const page = await store.doc.send(
      new QueryCommand({ ...input, TableName: store.tables.seats, ExclusiveStartKey: startKey }),
    );
    seats.push(...((page.Items ?? []) as SeatItem[]));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return seats;
}

export function seatView(seat: SeatItem, now: number): SeatView {
  const status = effectiveStatus(seat, now);
  return {
    seatId: seat.seatId,
    rowIndex: seat.rowIndex,
    number: seat.number,
    status,
    version: seat.version,
    ...(status === 'HELD' ? { holdExpiresAt: seat.holdExpiresAt } : {}),
  };
}
