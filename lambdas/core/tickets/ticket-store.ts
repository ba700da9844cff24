import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isFinal, type OrderRecord } from '../orders/order-record';
import { writeIf } from '../platform/conditional-write';
import { batchGetAll, queryAll } from '../platform/pages';
import type { Store } from '../platform/store';
import type { TicketItem } from './ticket-item';
import { ticketIdOf } from './ticket-tokens';

/**
 * The tickets table: one item per ticket, under its event (partition `eventId`, sort `ticketId`).
 * An order's tickets are read by their derived ids (strongly consistent BatchGetItem); an event's
 * by one Query of its partition (operators). No index: a ticket write costs one unit.
 */

/** A ticket's key: every reader has the event (the token carries it, so does the order). */
export type TicketKey = Pick<TicketItem, 'eventId' | 'ticketId'>;

/** Just the key of a ticket (or of anything that names one). */
export function ticketKeyOf(ticket: TicketKey): TicketKey {
  return { eventId: ticket.eventId, ticketId: ticket.ticketId };
}

/** What names an order's tickets: its id, its event and (after payment, fixed) seats. */
export type TicketOwner = {
  readonly orderId: string;
  readonly eventId: string;
  readonly seatIds: readonly string[];
};

/**
 * Writes the tickets, each only if it does not exist yet: issuing again (a retried step) leaves
 * them as they are — the same content, or VOIDED if a compensation got there first (a voided
 * ticket is never brought back).
 */
export async function putTickets(store: Store, tickets: readonly TicketItem[]): Promise<void> {
  await Promise.all(
    tickets.map(async (ticket) => {
      try {
        await store.doc.send(
          new PutCommand({
            TableName: store.tables.tickets,
            Item: ticket,
            ConditionExpression: 'attribute_not_exists(ticketId)',
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }),
  );
}

export async function getTicket(store: Store, key: TicketKey): Promise<TicketItem | undefined> {
  const { Item } = await store.doc.send(
    new GetCommand({ TableName: store.tables.tickets, Key: ticketKeyOf(key), ConsistentRead: true }),
  );
  return Item as TicketItem | undefined;
}

/**
 * The order's tickets that exist, in seat order, strongly consistent. Keys DynamoDB leaves
 * unprocessed (throttling) are read again, never taken as absent.
 */
export function ticketsOfOrder(store: Store, order: TicketOwner): Promise<TicketItem[]> {
  return batchGetAll<TicketItem>(
    store,
    store.tables.tickets,
    order.seatIds.map((seatId) => ({ eventId: order.eventId, ticketId: ticketIdOf(order.orderId, seatId) })),
    // One event per order: the ticket id alone tells its items apart.
    (ticket) => ticket.ticketId,
    (key) => String(key.ticketId),
  );
}

/**
 * Voids every VALID ticket of the order (conditional on VALID, so voidedAt is the first void's);
 * the ticket ids voided now.
 */
export async function voidTickets(store: Store, order: TicketOwner): Promise<string[]> {
  const valid = (await ticketsOfOrder(store, order)).filter((t) => t.state === 'VALID');
  const voided: string[] = [];
  await Promise.all(
    valid.map(async (ticket) => {
      try {
        await store.doc.send(
          new UpdateCommand({
            TableName: store.tables.tickets,
            Key: ticketKeyOf(ticket),
            UpdateExpression: 'SET #state = :voided, voidedAt = :now',
            ConditionExpression: '#state = :valid',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':voided': 'VOIDED', ':valid': 'VALID', ':now': store.now() },
          }),
        );
        voided.push(ticket.ticketId);
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error; // voided meanwhile
      }
    }),
  );
  return voided;
}

/**
 * Every ticket of the event, VALID and VOIDED, by seat: one Query of the event's partition
 * (eventually consistent unless asked: half the units; the audit asks). The partition comes back
 * by ticket id (a hash), so the seat order is made here, as the old `byEvent` index gave it.
 */
export async function ticketsOfEvent(
  store: Store,
  eventId: string,
  options: { readonly consistent?: boolean } = {},
): Promise<TicketItem[]> {
  const tickets = await queryAll<TicketItem>(store, {
    TableName: store.tables.tickets,
    KeyConditionExpression: 'eventId = :eventId',
    ExpressionAttributeValues: { ':eventId': eventId },
    ConsistentRead: options.consistent === true,
  });
  return tickets.sort(bySeat);
}

/** Seat id order (plain string order, as the index's sort key had it), ticket id among equals. */
export function bySeat(a: TicketItem, b: TicketItem): number {
  return compare(a.seatId, b.seatId) || compare(a.ticketId, b.ticketId);
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Whether an order has tickets to show or void: a CONFIRMED one, or one that ended after a pay
 * request (tickets are issued only once its seats are confirmed against a charge). An open order,
 * or one that never asked to pay (an expired hold), costs no ticket read.
 */
export function mayHaveTickets(order: Pick<OrderRecord, 'status' | 'payment'>): boolean {
  return order.status === 'CONFIRMED' || (isFinal(order.status) && order.payment.round > 0);
}

/**
 * Voids one VALID ticket of the order for its single refund, noting the refund (when, how much, by
 * whom) in the same write: from then on it no longer verifies, and a retry finds the refund to
 * finish. False when the ticket was not VALID (voided or refunded before).
 */
export function voidForRefund(
  store: Store,
  ticket: Pick<TicketItem, 'eventId' | 'ticketId' | 'orderId'>,
  refund: { readonly cents: number; readonly by: string },
): Promise<boolean> {
  const now = store.now();
  return writeIf(
    store,
    new UpdateCommand({
      TableName: store.tables.tickets,
      Key: ticketKeyOf(ticket),
      UpdateExpression:
        'SET #state = :voided, voidedAt = :now, refundedAt = :now, refundCents = :cents, refundedBy = :by',
      ConditionExpression: '#state = :valid AND orderId = :orderId',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: {
        ':voided': 'VOIDED',
        ':valid': 'VALID',
        ':now': now,
        ':cents': refund.cents,
        ':by': refund.by,
        ':orderId': ticket.orderId,
      },
    }),
  );
}
