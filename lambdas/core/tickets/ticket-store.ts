import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isFinal, type OrderRecord } from '../orders/order-record';
import { queryAll } from '../platform/pages';
import type { Store } from '../platform/store';
import type { TicketItem } from './ticket-item';
import { ticketIdOf } from './ticket-tokens';

/**
 * The tickets table: one item per ticket. An order's tickets are read by their derived ids
 * (strongly consistent BatchGetItem, no index); an event's from the `byEvent` index (operators).
 */

/** What names an order's tickets: its id and (after payment, fixed) seats. */
export type TicketOwner = { readonly orderId: string; readonly seatIds: readonly string[] };

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

export async function getTicket(store: Store, ticketId: string): Promise<TicketItem | undefined> {
  const { Item } = await store.doc.send(
    new GetCommand({ TableName: store.tables.tickets, Key: { ticketId }, ConsistentRead: true }),
  );
  return Item as TicketItem | undefined;
}

const UNPROCESSED_READ_RETRIES = 8;

/**
 * The order's tickets that exist, in seat order, strongly consistent. Keys DynamoDB leaves
 * unprocessed (throttling) are read again, never taken as absent.
 */
export async function ticketsOfOrder(store: Store, order: TicketOwner): Promise<TicketItem[]> {
  const found = new Map<string, TicketItem>();
  const ids = order.seatIds.map((seatId) => ticketIdOf(order.orderId, seatId));
  for (let start = 0; start < ids.length; start += 100) {
    let keys: Record<string, unknown>[] = ids.slice(start, start + 100).map((ticketId) => ({ ticketId }));
    for (let attempt = 0; keys.length > 0; attempt++) {
      if (attempt > UNPROCESSED_READ_RETRIES) throw new Error('DynamoDB kept leaving ticket reads unprocessed');
      if (attempt > 0) await sleep(Math.min(1000, 25 * 2 ** attempt) * (0.5 + store.random() / 2));
      const result = await store.doc.send(
        new BatchGetCommand({ RequestItems: { [store.tables.tickets]: { Keys: keys, ConsistentRead: true } } }),
      );
      for (const item of (result.Responses?.[store.tables.tickets] ?? []) as TicketItem[])
        found.set(item.ticketId, item);
      keys = result.UnprocessedKeys?.[store.tables.tickets]?.Keys ?? [];
    }
  }
  return ids.flatMap((id) => found.get(id) ?? []);
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
            Key: { ticketId: ticket.ticketId },
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

/** Every ticket of the event, VALID and VOIDED, by seat (the `byEvent` index: eventually consistent). */
export function ticketsOfEvent(store: Store, eventId: string): Promise<TicketItem[]> {
  return queryAll<TicketItem>(store, {
    TableName: store.tables.tickets,
    IndexName: 'byEvent',
    KeyConditionExpression: 'eventId = :eventId',
    ExpressionAttributeValues: { ':eventId': eventId },
  });
}

/**
 * Whether an order has tickets to show or void: a CONFIRMED one, or one that ended after a pay
 * request (tickets are issued only once its seats are confirmed against a charge). An open order,
 * or one that never asked to pay (an expired hold), costs no ticket read.
 */
export function mayHaveTickets(order: Pick<OrderRecord, 'status' | 'payment'>): boolean {
  return order.status === 'CONFIRMED' || (isFinal(order.status) && order.payment.round > 0);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
