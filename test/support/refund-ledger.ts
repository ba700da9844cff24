import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { expect } from 'vitest';
import { type LedgerEntry, ledgerOfOrder } from '../../lambdas/core/payments/simulated-processor';
import type { SeatItem } from '../../lambdas/core/seats/seat-item';
import type { TicketItem } from '../../lambdas/core/tickets/ticket-item';
import { voidForRefund } from '../../lambdas/core/tickets/ticket-store';
import type { LocalStack } from '../../local/local-stack';

/** What the refund tests read back on DynamoDB Local: a seat as stored, an order's money in the processor's ledger. */

/** The seat's item, read strongly consistent. */
export async function seatItem(stack: LocalStack, eventId: string, seatId: string): Promise<SeatItem> {
  const { Item } = await stack.store.doc.send(
    new GetCommand({ TableName: stack.tables.seats, Key: { eventId, seatId }, ConsistentRead: true }),
  );
  return Item as SeatItem;
}

/** The order's one charge (asserted: exactly one) and its partial refunds (`REFUND` entries). */
export async function chargeAndRefunds(
  stack: LocalStack,
  orderId: string,
): Promise<{ charge: LedgerEntry; refunds: LedgerEntry[] }> {
  const entries = await ledgerOfOrder(stack.store, orderId);
  const charges = entries.filter((e) => e.outcome === 'CHARGED' || e.outcome === 'REFUNDED');
  expect(charges).toHaveLength(1);
  return { charge: charges[0]!, refunds: entries.filter((e) => e.outcome === 'REFUND') };
}

/** A ticket refund's step 1 only (voided, its price noted), as a handler that died after its first write leaves it. */
export async function voidOnly(
  stack: LocalStack,
  ticket: Pick<TicketItem, 'eventId' | 'orderId' | 'ticketId'>,
  cents: number,
): Promise<void> {
  expect(await voidForRefund(stack.store, ticket, { cents, by: 'op_test' })).toBe(true);
}
