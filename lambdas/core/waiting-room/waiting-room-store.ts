import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { orderRepository } from '../orders/order-store';
import { writeIf } from '../platform/conditional-write';
import type { Store } from '../platform/store';
import {
  type Arrival,
  arrivalKey,
  arrivalOfKey,
  emptyWaitingRoomState,
  type WaitingPlace,
  type WaitingRoomDeps,
  type WaitingRoomRepository,
  type WaitingRoomSource,
  type WaitingRoomState,
} from './waiting-room-repository';

/**
 * The queues table (the room item) and the buyers table (places, entries in line) behind the
 * `WaitingRoomRepository` port: the DynamoDB adapter, and every waiting-room expression string.
 */

/** The first write of a room. */
const NEW_ROOM = 'attribute_not_exists(eventId)';
/** Any later write: nobody wrote since the version read. */
const ROOM_UNCHANGED = 'version = :version';
/** The draw placing a buyer: the buyer holds no place yet. */
const NO_PLACE = 'attribute_not_exists(#position)';
/** A join: no place and not in line yet (a duplicate join writes nothing, so it uses no number). */
const NOT_IN_LINE = 'attribute_not_exists(#position) AND attribute_not_exists(arrival)';
/** The batch writer numbering an entry: still the entry it listed, and not numbered yet. */
const STILL_ARRIVAL = 'arrival = :arrival AND attribute_not_exists(#position)';
/** Leaving: only a buyer who joined (numbered or not yet). */
const HAS_PLACE = 'attribute_exists(#position) OR attribute_exists(arrival)';
/** A rejoin: the place is still the one the caller saw. */
const PLACE_STILL = '#position = :old';
const POSITION_NAMES = { '#position': 'position' };
/** A pre-queue join: no place, not in line and not pre-queued yet. */
const NOT_QUEUED = `${NOT_IN_LINE} AND attribute_not_exists(preQueuedAt)`;
/** A check-in worth writing: the buyer is in line (or pre-queue), last seen before the interval. */
const CHECK_IN_DUE =
  '(attribute_exists(#position) OR attribute_exists(arrival) OR attribute_exists(preQueuedAt)) AND (attribute_not_exists(lastSeenAt) OR lastSeenAt < :stale)';
/** Passing over an absent buyer: still placed and still not seen since. */
const STILL_AWAY = 'attribute_exists(#position) AND (attribute_not_exists(lastSeenAt) OR lastSeenAt < :seenBefore)';
/** Waiting, for the operator's count: not left, not lapsed, seen lately. */
const STILL_WAITING = 'attribute_not_exists(leftAt) AND attribute_not_exists(lapsedAt) AND lastSeenAt >= :seenSince';

/** Noting an admission: on the place admitted (not a newer place after a rejoin). */
const PLACE_IS = '#position = :position';
/**
 * Binding an order: the admission of this place is live — admitted, its window not past, the
 * buyer not gone, not ended early — and bound to no order (or to the one replaced: never written).
 */
const ADMISSION_LIVE =
  '#position = :position AND admissionUntil >= :now AND attribute_not_exists(leftAt) AND attribute_not_exists(admissionEndedAt)';
const UNBOUND = 'attribute_not_exists(admissionOrderId)';
const BOUND_TO = 'admissionOrderId = :orderId';
/** Ending an unused admission: this place was admitted and no order is bound. */
const ADMITTED_UNBOUND =
  '#position = :position AND attribute_exists(admittedAt) AND attribute_not_exists(admissionOrderId)';

/** What a rejoin clears: everything of the used place (preQueuedAt stays, for the draw's audit). */
const USED_PLACE =
  '#position, admittedAt, passedOver, leftAt, lapsedAt, admissionUntil, admissionOrderId, orderUntil, admissionEndedAt, numberedAt';

export function waitingRoomRepository(store: Store): WaitingRoomRepository {
  const buyers = store.tables.buyers;
  /** One conditional update of a buyer's place: true when written, false when its condition did not hold. */
  const updatePlace = (
    eventId: string,
    buyerId: string,
    update: Pick<
      UpdateCommandInput,
      'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
    >,
  ) => writeIf(store, new UpdateCommand({ TableName: buyers, Key: { eventId, buyerId }, ...update }));
  const quietlyIfConditionFails = (error: unknown) => {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  };
  return {
    async readState(eventId) {
      const { Item } = await store.doc.send(
        new GetCommand({ TableName: store.tables.waitingRooms, Key: { eventId }, ConsistentRead: true }),
      );
      return (Item as WaitingRoomState | undefined) ?? emptyWaitingRoomState(eventId);
    },

    async writeState(read, next, updatedAt) {
      return writeIf(
        store,
        new PutCommand({
          TableName: store.tables.waitingRooms,
          Item: { ...next, version: read.version + 1, updatedAt },
          ConditionExpression: read.version === 0 ? NEW_ROOM : ROOM_UNCHANGED,
          ...(read.version === 0 ? {} : { ExpressionAttributeValues: { ':version': read.version } }),
        }),
      );
    },

    async readPlace(eventId, buyerId) {
      const { Item } = await store.doc.send(
        new GetCommand({ TableName: buyers, Key: { eventId, buyerId }, ConsistentRead: true }),
      );
      if (typeof Item?.position !== 'number') return undefined;
      const { admittedAt, leftAt, lastSeenAt, lapsedAt, admissionUntil, orderUntil, admissionEndedAt } =
        Item as Partial<Record<string, number>>;
      const orderId = Item.admissionOrderId as string | undefined;
      return {
        buyerId,
        position: Item.position,
        joinedAt: Item.joinedAt as number,
        ...(admittedAt === undefined ? {} : { admittedAt }),
        ...(leftAt === undefined ? {} : { leftAt }),
        ...(lastSeenAt === undefined ? {} : { lastSeenAt }),
        ...(lapsedAt === undefined ? {} : { lapsedAt }),
        ...(admissionUntil === undefined ? {} : { admissionUntil }),
        ...(orderId === undefined ? {} : { orderId }),
        ...(orderUntil === undefined ? {} : { orderUntil }),
        ...(admissionEndedAt === undefined ? {} : { admissionEndedAt }),
      };
    },

    async enqueue(eventId, buyerId, at) {
      return updatePlace(eventId, buyerId, {
        UpdateExpression: 'SET arrival = :arrival, joinedAt = :at, lastSeenAt = :at',
        ConditionExpression: NOT_IN_LINE,
        ExpressionAttributeNames: POSITION_NAMES,
        ExpressionAttributeValues: { ':arrival': arrivalKey(at, buyerId), ':at': at },
      });
    },

    async requeue(eventId, buyerId, position, at) {
      return updatePlace(eventId, buyerId, {
        UpdateExpression: `SET arrival = :arrival, joinedAt = :at, lastSeenAt = :at REMOVE ${USED_PLACE}`,
        ConditionExpression: PLACE_STILL,
        ExpressionAttributeNames: POSITION_NAMES,
        ExpressionAttributeValues: { ':old': position, ':arrival': arrivalKey(at, buyerId), ':at': at },
      });
    },

    async readArrival(eventId, buyerId) {
      const { Item } = await store.doc.send(
        new GetCommand({ TableName: buyers, Key: { eventId, buyerId }, ConsistentRead: true }),
      );
      return arrivalOf(Item);
    },

    async arrivals(eventId, limit) {
      const { Items = [] } = await store.doc.send(
        new QueryCommand({
          TableName: buyers,
          IndexName: 'byArrival',
          KeyConditionExpression: 'eventId = :eventId',
          ExpressionAttributeValues: { ':eventId': eventId },
          Limit: limit,
        }),
      );
      return Items.map((item) => arrivalOfKey(item.arrival as string));
    },

    async confirmArrivals(eventId, listed) {
      let keys = listed.map(({ buyerId }) => ({ eventId, buyerId }));
      const confirmed: Arrival[] = [];
      for (let attempt = 0; keys.length > 0; attempt++) {
        const { Responses, UnprocessedKeys } = await store.doc.send(
          new BatchGetCommand({ RequestItems: { [buyers]: { Keys: keys, ConsistentRead: true } } }),
        );
        for (const item of Responses?.[buyers] ?? []) {
          const arrival = arrivalOf(item);
          if (arrival) confirmed.push(arrival);
        }
        keys = (UnprocessedKeys?.[buyers]?.Keys ?? []) as typeof keys;
        if (keys.length > 0) await new Promise((resolve) => setTimeout(resolve, 10 * 2 ** Math.min(attempt, 6)));
      }
      return confirmed.sort((a, b) => (a.arrival < b.arrival ? -1 : a.arrival > b.arrival ? 1 : 0));
    },

    async numberPlace(eventId, buyerId, position, arrival, at) {
      return updatePlace(eventId, buyerId, {
        UpdateExpression: 'SET #position = :position, numberedAt = :at REMOVE arrival',
        ConditionExpression: STILL_ARRIVAL,
        ExpressionAttributeNames: POSITION_NAMES,
        ExpressionAttributeValues: { ':position': position, ':arrival': arrival, ':at': at },
      });
    },

    async placeBuyer(eventId, buyerId, position, joinedAt) {
      return updatePlace(eventId, buyerId, {
        // A drawn pre-queue place keeps the page's last check-in; a fresh join is seen now.
        UpdateExpression:
          'SET #position = :position, joinedAt = :joinedAt, lastSeenAt = if_not_exists(lastSeenAt, :joinedAt) REMOVE arrival',
        ConditionExpression: NO_PLACE,
        ExpressionAttributeNames: POSITION_NAMES,
        ExpressionAttributeValues: { ':position': position, ':joinedAt': joinedAt },
      });
    },

    async markAdmitted(eventId, buyerId, admission) {
      await store.doc
        .send(
          new UpdateCommand({
            TableName: buyers,
            Key: { eventId, buyerId },
            UpdateExpression: admission.passedOver
              ? 'SET admittedAt = :admittedAt, admissionUntil = :until, passedOver = :true'
              : 'SET admittedAt = :admittedAt, admissionUntil = :until',
            ConditionExpression: PLACE_IS,
            ExpressionAttributeNames: POSITION_NAMES,
            ExpressionAttributeValues: {
              ':position': admission.position,
              ':admittedAt': admission.admittedAt,
              ':until': admission.until,
              ...(admission.passedOver ? { ':true': true } : {}),
            },
          }),
        )
        .catch(quietlyIfConditionFails); // the buyer rejoined meanwhile: that place is not this admission's
    },

    async bindOrder(eventId, buyerId, binding) {
      return updatePlace(eventId, buyerId, {
        UpdateExpression: 'SET admissionOrderId = :orderId, orderUntil = :until',
        ConditionExpression: `${ADMISSION_LIVE} AND (${UNBOUND}${binding.replacing === undefined ? '' : ' OR admissionOrderId = :replacing'})`,
        ExpressionAttributeNames: POSITION_NAMES,
        ExpressionAttributeValues: {
          ':position': binding.position,
          ':now': binding.now,
          ':orderId': binding.orderId,
          ':until': binding.until,
          ...(binding.replacing === undefined ? {} : { ':replacing': binding.replacing }),
        },
      });
    },

    async unbindOrder(eventId, buyerId, orderId, endedAt) {
      return updatePlace(eventId, buyerId, {
        UpdateExpression:
          endedAt === undefined
            ? 'REMOVE admissionOrderId, orderUntil'
            : 'SET admissionEndedAt = :endedAt REMOVE admissionOrderId, orderUntil',
        ConditionExpression: BOUND_TO,
        ExpressionAttributeValues: { ':orderId': orderId, ...(endedAt === undefined ? {} : { ':endedAt': endedAt }) },
      });
    },

    async endAdmission(eventId, buyerId, position, endedAt) {
      return updatePlace(eventId, buyerId, {
        UpdateExpression: 'SET admissionEndedAt = :endedAt',
        ConditionExpression: ADMITTED_UNBOUND,
        ExpressionAttributeNames: POSITION_NAMES,
        ExpressionAttributeValues: { ':position': position, ':endedAt': endedAt },
      });
    },

    async markLeft(eventId, buyerId, leftAt) {
      // False when the buyer never joined: nothing to leave.
      return updatePlace(eventId, buyerId, {
        UpdateExpression: 'SET leftAt = :now',
        ConditionExpression: HAS_PLACE,
        ExpressionAttributeNames: POSITION_NAMES,
        ExpressionAttributeValues: { ':now': leftAt },
      });
    },

    async placesAfter(eventId, position, limit) {
      const { Items = [], LastEvaluatedKey } = await store.doc.send(
        new QueryCommand({
          TableName: buyers,
          IndexName: 'byPosition',
          KeyConditionExpression: 'eventId = :eventId AND #position > :after',
          ExpressionAttributeNames: POSITION_NAMES,
          ExpressionAttributeValues: { ':eventId': eventId, ':after': position },
          Limit: limit,
        }),
      );
      const places = Items.map(
        (item): WaitingPlace => ({
          buyerId: item.buyerId as string,
          position: item.position as number,
          joinedAt: item.joinedAt as number,
          ...(item.leftAt === undefined ? {} : { leftAt: item.leftAt as number }),
          ...(item.lastSeenAt === undefined ? {} : { lastSeenAt: item.lastSeenAt as number }),
          ...(item.lapsedAt === undefined ? {} : { lapsedAt: item.lapsedAt as number }),
          ...(item.numberedAt === undefined ? {} : { numberedAt: item.numberedAt as number }),
        }),
      );
      return { places, more: LastEvaluatedKey !== undefined };
    },

    async preQueue(eventId, buyerId, at) {
      return updatePlace(eventId, buyerId, {
        // In line too: a pre-queue join the draw missed (it landed as the draw ran) is numbered
        // first come, first served by the batch writer once the draw is complete.
        UpdateExpression: 'SET preQueuedAt = :at, arrival = :arrival, joinedAt = :at, lastSeenAt = :at',
        ConditionExpression: NOT_QUEUED,
        ExpressionAttributeNames: POSITION_NAMES,
        ExpressionAttributeValues: { ':at': at, ':arrival': arrivalKey(at, buyerId) },
      });
    },

    async readPreQueue(eventId, buyerId) {
      const { Item } = await store.doc.send(
        new GetCommand({ TableName: buyers, Key: { eventId, buyerId }, ConsistentRead: true }),
      );
      return Item?.preQueuedAt as number | undefined;
    },

    async preQueued(eventId) {
      const entries: { buyerId: string; joinedAt: number; position?: number }[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await store.doc.send(
          new QueryCommand({
            TableName: buyers,
            KeyConditionExpression: 'eventId = :eventId',
            FilterExpression: 'attribute_exists(preQueuedAt)',
            ExpressionAttributeValues: { ':eventId': eventId },
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? [])
          entries.push({
            buyerId: item.buyerId as string,
            joinedAt: item.preQueuedAt as number,
            ...(typeof item.position === 'number' ? { position: item.position } : {}),
          });
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return entries;
    },

    async checkIn(eventId, buyerId, now, staleBefore) {
      return updatePlace(eventId, buyerId, {
        UpdateExpression: 'SET lastSeenAt = :now',
        ConditionExpression: CHECK_IN_DUE,
        ExpressionAttributeNames: POSITION_NAMES,
        ExpressionAttributeValues: { ':now': now, ':stale': staleBefore },
      });
    },

    async markLapsed(eventId, buyerId, lapsedAt, seenBefore) {
      return updatePlace(eventId, buyerId, {
        UpdateExpression: 'SET lapsedAt = :lapsedAt',
        ConditionExpression: STILL_AWAY,
        ExpressionAttributeNames: POSITION_NAMES,
        ExpressionAttributeValues: { ':lapsedAt': lapsedAt, ':seenBefore': seenBefore },
      });
    },

    async countWaiting(eventId, position, seenSince) {
      let count = 0;
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await store.doc.send(
          new QueryCommand({
            TableName: buyers,
            IndexName: 'byPosition',
            KeyConditionExpression: 'eventId = :eventId AND #position > :after',
            FilterExpression: STILL_WAITING,
            ExpressionAttributeNames: POSITION_NAMES,
            ExpressionAttributeValues: { ':eventId': eventId, ':after': position, ':seenSince': seenSince },
            Select: 'COUNT',
            ExclusiveStartKey: startKey,
          }),
        );
        count += page.Count ?? 0;
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return count;
    },
  };
}

/** The deps built per store, so a process keeps one (the status reads' recent room is kept per deps). */
const depsOfStore = new WeakMap<Store, WaitingRoomDeps>();

/** The waiting room's deps on DynamoDB (deps given are returned as they are). */
export function waitingRoomDeps(source: WaitingRoomSource): WaitingRoomDeps {
  if ('room' in source) return source;
  const known = depsOfStore.get(source);
  if (known) return known;
  const deps = { room: waitingRoomRepository(source), orders: orderRepository(source), now: source.now };
  depsOfStore.set(source, deps);
  return deps;
}

/** The un-numbered entry in line an item holds, if any. */
function arrivalOf(item: Record<string, unknown> | undefined): Arrival | undefined {
  if (typeof item?.arrival !== 'string' || item.position !== undefined) return undefined;
  return arrivalOfKey(item.arrival);
}
