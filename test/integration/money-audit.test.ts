import { randomUUID } from 'node:crypto';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { prefixedTableNames, TABLE_SPECS, tableSpec } from '../../contract/tables';
import { createEvent } from '../../lambdas/core/events/create-event';
import { createOrder } from '../../lambdas/core/orders/create-order';
import type { OrderRecord } from '../../lambdas/core/orders/order-record';
import { getOrder, updateOrder } from '../../lambdas/core/orders/order-store';
import type { OrderWorkflow } from '../../lambdas/core/orders/order-workflow';
import { compensateOrder } from '../../lambdas/core/orders/settlement';
import { completeOrder, confirmOrderSeats, issueTickets } from '../../lambdas/core/orders/steps/fulfilment-steps';
import { paymentKey } from '../../lambdas/core/payments/processor';
import { SimulatedProcessor } from '../../lambdas/core/payments/simulated-processor';
import { OrderStateConflict } from '../../lambdas/core/platform/errors';
import { createStore, type Store } from '../../lambdas/core/platform/store';
import { refundTicket } from '../../lambdas/core/refunds/refund-ticket';
import { verifyTicket } from '../../lambdas/core/tickets/ticket-check';
import { putTickets, ticketsOfOrder, voidForRefund, voidTickets } from '../../lambdas/core/tickets/ticket-store';
import { makeTickets } from '../../lambdas/core/tickets/ticket-tokens';
import { createTables } from '../../local/local-tables';
import { auditEvent } from '../../ops/audit';
import { dynamoItemBytes } from '../support/item-size';
import { useTestTables } from '../support/local-dynamo';

/**
 * The money audit and the ticket check on DynamoDB Local, with orders driven through the real
 * steps (hold, charge, confirm, issue, complete, compensate) and the faults of issue 11 written
 * in by hand: a charge kept without a ticket, a second charge, a seat sold twice.
 */
describe('money audit and ticket check', () => {
  let store: Store;
  let processor: SimulatedProcessor;
  let client: Awaited<ReturnType<typeof useTestTables>>['client'];
  const workflow: OrderWorkflow = {
    start: async (i) => `arn:test:${i.orderId}`,
    resume: async () => undefined,
    isRunning: async () => false,
  };
  const KEY = 'audit-test-signing-key-0123456789';
  let seq = 0;

  beforeAll(async () => {
    const tables = await useTestTables();
    client = tables.client;
    store = createStore(tables.client, tables.tables);
    processor = new SimulatedProcessor(store, {
      declineRate: 0,
      latencyMs: 1,
      slowRate: 0,
      slowLatencyMs: 1,
      lostAnswerRate: 0,
    });
  });

  async function newEvent(): Promise<string> {
    seq += 1;
    const event = await createEvent(store, {
      eventId: `audit-${seq}`,
      name: 'Audit',
      rows: 2,
      seatsPerRow: 4,
      priceCents: 1000,
      holdSeconds: 600,
    });
    return event.eventId;
  }
  const hold = (eventId: string, seatIds: string[]) =>
    createOrder(store, workflow, { eventId, buyerId: `b-${randomUUID().slice(0, 6)}`, selection: { seatIds } });

  /** A pay request accepted and charged (round r), as the flow does it. */
  async function charge(order: OrderRecord, round = 1): Promise<string> {
    await updateOrder(store, order.orderId, {
      set: {
        status: 'PAYING',
        'payment.intent': { key: paymentKey(order.orderId, round), amountCents: order.amountCents, round },
      },
      increment: { 'payment.round': 1 },
      from: ['HOLDING', 'PAYING'],
    });
    const { chargeId } = await processor.charge({
      idempotencyKey: paymentKey(order.orderId, round),
      orderId: order.orderId,
      amountCents: order.amountCents,
      currency: 'EUR',
      code: '11111',
    });
    return chargeId;
  }

  /** Hold → charge → confirm seats → tickets → CONFIRMED, through the real steps. */
  async function buy(eventId: string, seatIds: string[]): Promise<OrderRecord> {
    const order = await hold(eventId, seatIds);
    const chargeId = await charge(order);
    await updateOrder(store, order.orderId, {
      set: { 'payment.chargeId': chargeId, 'payment.status': 'succeeded' },
      from: ['PAYING'],
    });
    await confirmOrderSeats(store, { orderId: order.orderId });
    await issueTickets(store, KEY, { orderId: order.orderId });
    await completeOrder(store, processor, { orderId: order.orderId, notifications: [] });
    return getOrder(store, order.orderId);
  }

  it('a sale that ended every way it can (confirmed, refunded, holding, paying) is clean and counted', async () => {
    const eventId = await newEvent();
    await buy(eventId, ['A1', 'A2']);
    const refunded = await hold(eventId, ['A3']);
    await charge(refunded);
    await compensateOrder(store, processor, { orderId: refunded.orderId, status: 'FAILED', reason: 'seats lost' });
    await hold(eventId, ['B1']); // open, its hold running: in flight
    const paying = await hold(eventId, ['B2']);
    await charge(paying); // charged, not yet confirmed: in flight

    const report = await auditEvent(store, eventId);
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({
      clean: true,
      orders: 4,
      ordersInFlight: 2,
      money: { charged: 3, ticketed: 1, refunded: 1, unaccounted: 0, doubleCharged: 0, inFlight: 1 },
      tickets: 2,
      soldSeats: 2,
      oversold: 0,
    });
  });

  it('a charge kept by an order that ended without tickets is unaccounted (the stranded charge of issue 11)', async () => {
    const eventId = await newEvent();
    const order = await hold(eventId, ['A1']);
    const chargeId = await charge(order);
    // The order is cancelled but nothing refunds the charge.
    await updateOrder(store, order.orderId, {
      set: { status: 'CANCELLED', 'payment.chargeId': chargeId },
      from: ['PAYING'],
    });

    const report = await auditEvent(store, eventId);
    expect(report.clean).toBe(false);
    expect(report.money).toMatchObject({ charged: 1, ticketed: 0, refunded: 0, unaccounted: 1 });
    expect(report.problems).toEqual([
      expect.objectContaining({ kind: 'unaccountedCharge', orderId: order.orderId, chargeId }),
    ]);
  });

  it('an order charged twice (a retry with a new key) is doubleCharged, and its extra charge unaccounted', async () => {
    const eventId = await newEvent();
    const order = await buy(eventId, ['A1']);
    const second = await processor.charge({
      idempotencyKey: `${order.orderId}#1#2`,
      orderId: order.orderId,
      amountCents: 1000,
      currency: 'EUR',
      code: '11111',
    });

    const report = await auditEvent(store, eventId);
    expect(report.money).toMatchObject({ charged: 2, ticketed: 1, unaccounted: 1, doubleCharged: 1 });
    expect(report.problems.map((p) => p.kind).sort()).toEqual(['doubleCharged', 'unaccountedCharge']);
    expect(report.problems.find((p) => p.kind === 'unaccountedCharge')?.chargeId).toBe(second.chargeId);
  });

  it('a seat made AVAILABLE under a confirmed order and sold again: oversold, two valid tickets (the reset bug)', async () => {
    const eventId = await newEvent();
    const first = await buy(eventId, ['A1']);
    await store.doc.send(
      new UpdateCommand({
        TableName: store.tables.seats,
        Key: { eventId, seatId: 'A1' },
        UpdateExpression: 'SET #s = :a REMOVE orderId, soldAt',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':a': 'AVAILABLE' },
      }),
    );
    const second = await buy(eventId, ['A1']);

    const report = await auditEvent(store, eventId);
    expect(report).toMatchObject({ clean: false, tickets: 2, soldSeats: 1, oversold: 1 });
    expect(report.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'seatTwiceTicketed', seatId: 'A1' }),
        expect.objectContaining({ kind: 'ticketSeatNotSold', seatId: 'A1', orderId: first.orderId }),
        expect.objectContaining({ kind: 'ticketCountMismatch' }),
      ]),
    );
    // Both tickets carry a right signature; the check cannot tell them apart without the seat.
    const [firstTicket] = await ticketsOfOrder(store, first);
    const [secondTicket] = await ticketsOfOrder(store, second);
    expect((await verifyTicket(store, KEY, firstTicket!.token)).valid).toBe(true);
    expect((await verifyTicket(store, KEY, secondTicket!.token)).valid).toBe(true);
  });

  it('a PENDING charge past the grace and an order open past its deadline are reported', async () => {
    const eventId = await newEvent();
    const order = await hold(eventId, ['A1']);
    await updateOrder(store, order.orderId, {
      set: { status: 'PAYING' },
      increment: { 'payment.round': 1 },
      from: ['HOLDING'],
    });
    await store.doc.send(
      new UpdateCommand({
        TableName: store.tables.payments,
        Key: { idempotencyKey: paymentKey(order.orderId, 1) },
        UpdateExpression: 'SET orderId = :o, outcome = :p, amountCents = :a, createdAt = :t, updatedAt = :t',
        ExpressionAttributeValues: { ':o': order.orderId, ':p': 'PENDING', ':a': 1000, ':t': store.now() },
      }),
    );
    expect((await auditEvent(store, eventId)).clean).toBe(true); // in flight now

    const later = await auditEvent(store, eventId, { now: store.now() + 3_600_000 });
    expect(later.money.unaccounted).toBe(1);
    expect(later.problems.map((p) => p.kind).sort()).toEqual(['orderOpenPastDeadline', 'pendingCharge']);
  });

  it('a CONFIRMED order whose charge was refunded has tickets without money', async () => {
    const eventId = await newEvent();
    const order = await buy(eventId, ['A1']);
    await processor.refund(order.payment.chargeId!);
    const report = await auditEvent(store, eventId);
    expect(report.money).toMatchObject({ charged: 1, ticketed: 0, refunded: 1 });
    expect(report.problems).toEqual([
      expect.objectContaining({ kind: 'ticketedWithoutCharge', orderId: order.orderId }),
    ]);
  });

  it('partial refunds add up: a ticket refunded singly without its money (past the grace) and a charge counting cents no refund gave are reported', async () => {
    const eventId = await newEvent();
    const order = await buy(eventId, ['A1', 'A2', 'A3']);
    const [first, second] = (await ticketsOfOrder(store, order)).sort((a, b) => a.seatId.localeCompare(b.seatId));
    const later = { now: store.now() + 3_600_000 };
    await refundTicket(store, processor, { orderId: order.orderId, ticketId: first!.ticketId, operatorId: 'op_audit' });
    expect((await auditEvent(store, eventId, later)).problems).toEqual([]);

    // Voided with its price noted, the request died before the money (step 1 only).
    expect(await voidForRefund(store, second!, { cents: 1000, by: 'op_audit' })).toBe(true);
    // Within the grace its request may still be running; its seat, still SOLD, is reported as before.
    const kinds = async (options = {}) => (await auditEvent(store, eventId, options)).problems.map((p) => p.kind);
    expect(await kinds()).not.toContain('ticketRefundMissing');
    expect((await auditEvent(store, eventId, later)).problems).toContainEqual(
      expect.objectContaining({
        kind: 'ticketRefundMissing',
        orderId: order.orderId,
        seatId: 'A2',
        detail: `ticket ${second!.ticketId} refunded singly for 1000 cents, none given back`,
      }),
    );
    // Its refund finished: clean again.
    await refundTicket(store, processor, {
      orderId: order.orderId,
      ticketId: second!.ticketId,
      operatorId: 'op_audit',
    });
    expect((await auditEvent(store, eventId, later)).problems).toEqual([]);

    // The charge counts 500 cents that no partial refund gave (a lost update the other way round).
    const chargeKey = paymentKey(order.orderId, 1);
    await store.doc.send(
      new UpdateCommand({
        TableName: store.tables.payments,
        Key: { idempotencyKey: chargeKey },
        UpdateExpression: 'ADD refundedCents :more',
        ExpressionAttributeValues: { ':more': 500 },
      }),
    );
    expect((await auditEvent(store, eventId, later)).problems).toEqual([
      expect.objectContaining({
        kind: 'refundMismatch',
        orderId: order.orderId,
        detail: 'CHARGED 3000, 2500 given back, its partial refunds 2000',
      }),
    ]);
    // The whole refund gives back the rest: all of it, clean.
    await processor.refund(order.payment.chargeId!);
    expect((await auditEvent(store, eventId, later)).problems).toEqual([
      expect.objectContaining({ kind: 'ticketedWithoutCharge' }), // still CONFIRMED: as any refunded kept charge
    ]);
  });

  it('verifyTicket: a current ticket verifies; voided, forged, foreign-key and unknown-order tickets do not', async () => {
    const eventId = await newEvent();
    const order = await buy(eventId, ['A1', 'A2']);
    const [a1, a2] = await ticketsOfOrder(store, order);
    expect(await verifyTicket(store, KEY, a1!.token)).toEqual({
      valid: true,
      ticket: expect.objectContaining({ orderId: order.orderId, seatId: 'A1', eventId }),
    });
    expect(await verifyTicket(store, 'another-key-0123456789abcdef', a1!.token)).toEqual({
      valid: false,
      reason: 'badSignature',
    });
    expect(await verifyTicket(store, KEY, `${a1!.token.split('.')[0]}.${a2!.token.split('.')[1]}`)).toEqual({
      valid: false,
      reason: 'badSignature',
    });

    // The order no longer CONFIRMED (the reset's first write): no ticket of it verifies, even before its items are voided.
    await updateOrder(store, order.orderId, { set: { status: 'CANCELLED' }, from: ['CONFIRMED'] });
    expect(await verifyTicket(store, KEY, a2!.token)).toMatchObject({ valid: false, reason: 'orderNotConfirmed' });
    await voidTickets(store, order);
    expect(await verifyTicket(store, KEY, a1!.token)).toMatchObject({ valid: false, reason: 'voided' });

    // A VOIDED item under a CONFIRMED order: refused by the item alone.
    const stranger = await buy(eventId, ['B1']);
    const [b1] = await ticketsOfOrder(store, stranger);
    expect(await verifyTicket(store, KEY, b1!.token)).toEqual({ valid: true, ticket: expect.anything() });
    await voidTickets(store, stranger);
    expect(await verifyTicket(store, KEY, b1!.token)).toMatchObject({
      valid: false,
      reason: 'voided',
    });
    // No item at all (deleted): voided too.
    const third = await buy(eventId, ['B3']);
    const [b3] = await ticketsOfOrder(store, third);
    await store.doc.send(
      new DeleteCommand({ TableName: store.tables.tickets, Key: { eventId: b3!.eventId, ticketId: b3!.ticketId } }),
    );
    expect(await verifyTicket(store, KEY, b3!.token)).toMatchObject({ valid: false, reason: 'voided' });

    const { ticketToken } = await import('../../lambdas/core/tickets/ticket-tokens');
    const ghost = ticketToken({ ticketId: 'tkt_x', orderId: 'ord_nobody', eventId, seatId: 'B2' }, KEY);
    expect(await verifyTicket(store, KEY, ghost)).toMatchObject({ valid: false, reason: 'orderNotFound' });
  });

  it('tickets live in their own items: issued twice → the same tickets, and a confirmed 4-seat order item stays within 1 KB', async () => {
    const eventId = await newEvent();
    const order = await buy(eventId, ['A1', 'A2', 'A3', 'A4']);
    const tickets = await ticketsOfOrder(store, order);
    expect(tickets.map((t) => [t.seatId, t.state, t.orderId, t.eventId])).toEqual(
      ['A1', 'A2', 'A3', 'A4'].map((seatId) => [seatId, 'VALID', order.orderId, eventId]),
    );
    // A retried IssueTickets step: the same ids, the same items (issuedAt of the first issue).
    expect(await issueTickets(store, KEY, { orderId: order.orderId })).toEqual({
      ticketIds: tickets.map((t) => t.ticketId),
    });
    expect(await ticketsOfOrder(store, order)).toEqual(tickets);
    // Every order write is billed by the item's size: it carries no ticket, no image.
    const item = (
      await store.doc.send(new GetCommand({ TableName: store.tables.orders, Key: { orderId: order.orderId } }))
    ).Item!;
    expect(item).not.toHaveProperty('tickets');
    expect(dynamoItemBytes(item)).toBeLessThanOrEqual(1024);
    expect(JSON.stringify(item)).not.toContain('data:image');
  });

  it('a ticket voided by a compensation is never issued VALID again by a late IssueTickets retry', async () => {
    const eventId = await newEvent();
    const order = await buy(eventId, ['A1']);
    await updateOrder(store, order.orderId, { set: { status: 'CANCELLED' }, from: ['CONFIRMED'] });
    await compensateOrder(store, processor, { orderId: order.orderId, status: 'CANCELLED', reason: 'test' });
    expect((await ticketsOfOrder(store, order)).map((t) => t.state)).toEqual(['VOIDED']);
    await expect(issueTickets(store, KEY, { orderId: order.orderId })).rejects.toThrow(OrderStateConflict);
    await putTickets(store, makeTickets(order, KEY, store.now())); // a put that raced the void
    expect((await ticketsOfOrder(store, order)).map((t) => t.state)).toEqual(['VOIDED']);
  });

  it('the ledger is read by order through the byOrder index; a persisted table from before it gets the index', async () => {
    const names = prefixedTableNames(`old-${randomUUID().slice(0, 6)}`);
    const { globalSecondaryIndexes: _none, ...withoutIndex } = tableSpec('payments');
    await createTables(client, names, [withoutIndex]);
    await createTables(
      client,
      names,
      TABLE_SPECS.filter((s) => s.id === 'payments'),
    );
    const { Table } = await client.send(new DescribeTableCommand({ TableName: names.payments }));
    expect(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName)).toEqual(['byOrder']);
  });
});
