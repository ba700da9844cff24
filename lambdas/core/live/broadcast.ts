import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { OrderMessage, SeatDelta, WaitingRoomMessage } from '../../../contract/live-messages';
import type { OrderRecord } from '../orders/order-record';
import { toOrderView } from '../orders/order-record';
import type { SeatItem } from '../seats/seat-item';
import { seatView } from '../seats/seat-map';
import type { TicketItem } from '../tickets/ticket-item';
import type { WaitingRoomState } from '../waiting-room/room-state';

/**
 * Turns one batch of stream records (orders and waiting-rooms tables) into the messages to send,
 * pure: every order once, newest version, addressed to its buyer; every waiting room once, newest
 * version, to the event's viewers. Seat changes are not the broadcaster's: the live map's tick
 * builder sends them (seat-map-ticks.ts), once per tick per viewer.
 */

/** Who receives a message: every connection watching an event, or every socket of one buyer. */
export type Audience = { readonly eventId: string } | { readonly buyerId: string };

export interface Delivery {
  readonly audience: Audience;
  readonly message: OrderMessage | WaitingRoomMessage;
  /** Sequence numbers of the stream records folded into this message, to report a failed one. */
  readonly sequenceNumbers: readonly string[];
}

/**
 * What a stream record is about, told apart by its keys (seats: eventId+seatId, orders: orderId,
 * waiting rooms: eventId alone).
 */
export type StreamChange =
  | { readonly kind: 'seat'; readonly item: SeatItem; readonly sequenceNumber: string }
  | { readonly kind: 'order'; readonly item: OrderRecord; readonly sequenceNumber: string }
  | { readonly kind: 'waitingRoom'; readonly item: WaitingRoomState; readonly sequenceNumber: string };

/** The newest image of every order in the batch (to read their tickets before planning). */
export function ordersIn(records: readonly DynamoDBRecord[]): OrderRecord[] {
  const orders = new Coalescer<OrderRecord>();
  for (const record of records) {
    const change = toStreamChange(record);
    if (change?.kind === 'order' && changesBuyersView(record, change.item))
      orders.add(change.item.orderId, change.item, change.sequenceNumber);
  }
  return orders.entries().map(({ item }) => item);
}

/** Sequence numbers of the batch's records about these orders. */
export function recordsOfOrders(records: readonly DynamoDBRecord[], orderIds: ReadonlySet<string>): string[] {
  return records.flatMap((record) => {
    const change = toStreamChange(record);
    return change?.kind === 'order' && orderIds.has(change.item.orderId) ? [change.sequenceNumber] : [];
  });
}

export function toStreamChange(record: DynamoDBRecord): StreamChange | undefined {
  const keys = record.dynamodb?.Keys;
  const image = record.dynamodb?.NewImage;
  // A REMOVE has no new image. Seats and orders are never deleted; nothing to show for one.
  if (!keys || !image) return undefined;
  const sequenceNumber = record.dynamodb?.SequenceNumber ?? '';
  // aws-lambda's AttributeValue is the SDK's union with every member optional: same wire shape.
  const item = unmarshall(image as Record<string, AttributeValue>);
  if (keys.eventId && keys.seatId) return { kind: 'seat', item: item as SeatItem, sequenceNumber };
  if (keys.orderId) return { kind: 'order', item: item as OrderRecord, sequenceNumber };
  if (keys.eventId && typeof item.servingPosition === 'number')
    return { kind: 'waitingRoom', item: item as WaitingRoomState, sequenceNumber };
  return undefined;
}

/**
 * `tickets`: the ticket items of the batch's orders that have some (read by the caller, see
 * tickets/order-view.ts); an order listed in `heldBack` is not pushed (its records are retried).
 */
export function planBroadcast(
  records: readonly DynamoDBRecord[],
  _now: number,
  tickets: {
    readonly byOrder?: ReadonlyMap<string, readonly TicketItem[]>;
    readonly heldBack?: ReadonlySet<string>;
  } = {},
): Delivery[] {
  const orders = new Coalescer<OrderRecord>();
  const rooms = new Coalescer<WaitingRoomState>();
  for (const record of records) {
    const change = toStreamChange(record);
    if (change?.kind === 'waitingRoom') rooms.add(change.item.eventId, change.item, change.sequenceNumber);
    if (change?.kind === 'order' && changesBuyersView(record, change.item))
      orders.add(change.item.orderId, change.item, change.sequenceNumber);
  }

  const orderDeliveries = orders
    .entries()
    .filter(({ item }) => !tickets.heldBack?.has(item.orderId))
    .map(
      ({ item, sequenceNumbers }): Delivery => ({
        audience: { buyerId: item.buyerId },
        message: { type: 'order', order: toOrderView(item, tickets.byOrder?.get(item.orderId)) },
        sequenceNumbers,
      }),
    );
  const waitingRoomDeliveries = rooms.entries().map(
    ({ item, sequenceNumbers }): Delivery => ({
      audience: { eventId: item.eventId },
      message: waitingRoomMessage(item),
      sequenceNumbers,
    }),
  );
  return [...orderDeliveries, ...waitingRoomDeliveries];
}

/**
 * Whether an order write changed anything its buyer sees (`toOrderView` but for `version` and
 * `updatedAt`). The flow's own bookkeeping — the task token put on the order each time it waits
 * for the buyer — does not, and is not pushed: each push is a lookup of the buyer's connections.
 * A client keeps the highest version it was sent, so a version never pushed is simply skipped.
 */
export function changesBuyersView(record: DynamoDBRecord, after: OrderRecord): boolean {
  const old = record.dynamodb?.OldImage;
  if (!old) return true; // a new order
  const before = unmarshall(old as Record<string, AttributeValue>) as OrderRecord;
  const seen = (order: OrderRecord) => {
    const { version: _version, updatedAt: _updatedAt, ...view } = toOrderView(order);
    return JSON.stringify(view);
  };
  return seen(before) !== seen(after);
}

/** What every viewer may know of a waiting room: how far it is served, not who is in it. */
export function waitingRoomMessage(state: WaitingRoomState): WaitingRoomMessage {
  return {
    type: 'queue',
    eventId: state.eventId,
    servingPosition: state.servingPosition,
    activePurchasers: Object.keys(state.active).length,
    soldOut: state.soldOut === true,
    version: state.version,
  };
}

/** A seat as the public snapshot shows it (lapsed holds available, no order id), delta-sized. */
export function seatDelta(seat: SeatItem, now: number): SeatDelta {
  const { seatId, status, version, holdExpiresAt } = seatView(seat, now);
  return { seatId, status, version, ...(holdExpiresAt === undefined ? {} : { holdExpiresAt }) };
}

/** Keeps, per key, the item with the highest version, and every record folded into it. */
class Coalescer<T extends { readonly version: number }> {
  private readonly newest = new Map<string, { item: T; sequenceNumbers: string[] }>();

  add(key: string, item: T, sequenceNumber: string): void {
    const known = this.newest.get(key);
    if (!known) this.newest.set(key, { item, sequenceNumbers: [sequenceNumber] });
    else {
      known.sequenceNumbers.push(sequenceNumber);
      if (item.version > known.item.version) known.item = item;
    }
  }

  entries(): { item: T; sequenceNumbers: string[] }[] {
    return [...this.newest.values()];
  }
}
