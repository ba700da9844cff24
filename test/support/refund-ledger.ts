import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { expect } from 'vitest';
import { getOrder } from '../../lambdas/core/orders/order-store';
import { paymentKey, ticketRefundKey } from '../../lambdas/core/payments/processor';
import { type LedgerEntry, ledgerOfOrder } from '../../lambdas/core/payments/simulated-processor';
import { batchGetAll } from '../../lambdas/core/platform/pages';
import type { SeatItem } from '../../lambdas/core/seats/seat-item';
import type { TicketItem } from '../../lambdas/core/tickets/ticket-item';
import { voidForRefund } from '../../lambdas/core/tickets/ticket-store';
import { ticketIdOf } from '../../lambdas/core/tickets/ticket-tokens';
import type { LocalStack } from '../../local/local-stack';

/** What the refund tests read back on DynamoDB Local: a seat as stored, an order's money in the processor's ledger. */

/** The seat's item, read strongly consistent. */
export async function seatItem(stack: LocalStack, eventId: string, seatId: string): Promise<SeatItem> {
  const { Item } = await stack.store.doc.send(
    new GetCommand({ TableName: stack.tables.seats, Key: { eventId, seatId }, ConsistentRead: true }),
  );
  return Item as SeatItem;
}

/**
 * The order's one charge (asserted: exactly one) and its partial refunds (`REFUND` entries), read
 * by key, strongly consistent: the keys the order's charges and its tickets' refunds must have
 * (`paymentKey` of each pay round, `ticketRefundKey` of each seat's ticket), plus whatever else the
 * `byOrder` index lists. The index alone is eventually consistent (on AWS a refund written a moment
 * ago may be missing from it): a test must not mistake a lagging index for a lost refund.
 */
export async function chargeAndRefunds(
  stack: LocalStack,
  orderId: string,
): Promise<{ charge: LedgerEntry; refunds: LedgerEntry[] }> {
  const order = await getOrder(stack.store, orderId, { consistent: true });
  const known = [
    ...Array.from({ length: order.payment.round }, (_, i) => paymentKey(orderId, i + 1)),
    ...order.seatIds.map((seatId) => ticketRefundKey(ticketIdOf(orderId, seatId))),
  ];
  const listed = (await ledgerOfOrder(stack.store, orderId)).map((e) => e.idempotencyKey);
  const keys = [...new Set([...known, ...listed])].map((idempotencyKey) => ({ idempotencyKey }));
  const entries = await batchGetAll<LedgerEntry>(
    stack.store,
    stack.tables.payments,
    keys,
    (entry) => entry.idempotencyKey,
    (key) => String(key.idempotencyKey),
  );
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
