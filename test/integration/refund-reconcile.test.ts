import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OrderView } from '../../contract/order-view';
import { getOrder, updateOrder } from '../../lambdas/core/orders/order-store';
import type { PaymentProcessor } from '../../lambdas/core/payments/processor';
import { planReconcile } from '../../lambdas/core/reconcile/plan';
import { type ReconcilerDeps, reconcile } from '../../lambdas/core/reconcile/reconciler';
import { REFUND_REASON } from '../../lambdas/core/refunds/refund-order';
import { refundTicket } from '../../lambdas/core/refunds/refund-ticket';
import type { TicketItem } from '../../lambdas/core/tickets/ticket-item';
import { getTicket } from '../../lambdas/core/tickets/ticket-store';
import type { LocalStack } from '../../local/local-stack';
import { auditEvent } from '../../ops/audit';
import { adminCreateEvent, buyConfirmed, call, startApiStack } from '../support/api-client';
import { eventually } from '../support/eventually';
import { chargeAndRefunds, seatItem, voidOnly } from '../support/refund-ledger';

/**
 * An operator's refund whose handler died half-way (a Lambda timing out after a side effect) is
 * finished by the reconciler, without the operator asking again: the ticket's money given back
 * exactly once, its seat back on sale, the order refunded when its last ticket went; a whole
 * order's refund that died after its status write gets its tickets voided, seats freed, charge
 * refunded. Real handlers on DynamoDB Local, the local stack's fault switch, the simulated
 * processor's ledger.
 */
describe('the reconciler finishes half-done refunds', () => {
  let stack: LocalStack;
  let operator: string;
  const eventId = 'refund-reconcile';
  const PRICE = 1500;
  /** Past the refund's grace: the reconciler leaves a refund younger than that to its request. */
  const later = () => ({ now: Date.now() + 120_000 });

  beforeAll(async () => {
    stack = await startApiStack();
    await adminCreateEvent(stack, {
      eventId,
      name: 'Refunds left half-done',
      rows: 8,
      seatsPerRow: 8,
      priceCents: PRICE,
    });
    const signIn = await call<{ token: string }>(stack, 'POST', '/api/admin/sessions', {
      body: { adminKey: stack.adminKey },
    });
    operator = signIn.body.token;
  });

  afterEach(() => stack?.faults.set('off'));

  afterAll(async () => {
    await stack?.stop();
  });

  const deps = (): ReconcilerDeps => ({
    store: stack.platform.store,
    executions: stack.platform.executions,
    workflow: stack.platform.workflow,
    processor: stack.platform.processor,
    ticketSigningKey: () => stack.platform.secrets.ticketSigningKey(),
  });

  const buy = async (seatIds: string[]): Promise<OrderView> => (await buyConfirmed(stack, eventId, seatIds)).order;

  const seat = (seatId: string) => seatItem(stack, eventId, seatId);
  const ledger = (orderId: string) => chargeAndRefunds(stack, orderId);

  const ticketOf = async (ticketId: string): Promise<TicketItem> =>
    (await getTicket(stack.store, { eventId, ticketId }))!;

  /** The processor as a handler that timed out right after the refund was issued sees it. */
  const diesAfterRefund = (processor: PaymentProcessor): PaymentProcessor => ({
    charge: (request) => processor.charge(request),
    refund: (chargeId) => processor.refund(chargeId),
    lookup: (key) => processor.lookup(key),
    refundPart: async (request) => {
      await processor.refundPart(request);
      throw new Error('Task timed out after 20.00 seconds');
    },
  });

  it('a ticket voided but never refunded (died after step 1): the reconciler refunds it once and frees its seat', async () => {
    const order = await buy(['A1', 'A2']);
    const ticket = order.tickets!.find((t) => t.seatId === 'A1')!;
    await voidOnly(stack, { eventId: order.eventId, orderId: order.orderId, ticketId: ticket.ticketId }, PRICE);

    const plan = await planReconcile(stack.store, stack.platform.executions, later());
    expect(plan.actions).toContainEqual(
      expect.objectContaining({ kind: 'finishTicketRefund', orderId: order.orderId, ticketId: ticket.ticketId }),
    );
    const report = await reconcile(deps(), later());
    expect(report.outcomes.filter((o) => o.action.orderId === order.orderId).map((o) => o.ok)).toEqual([true]);

    const money = await ledger(order.orderId);
    expect(money.refunds.map((r) => r.amountCents)).toEqual([PRICE]);
    expect(money.charge).toMatchObject({ outcome: 'CHARGED', refundedCents: PRICE });
    expect(await seat('A1')).toMatchObject({ status: 'AVAILABLE' });
    expect(await ticketOf(ticket.ticketId)).toMatchObject({ state: 'VOIDED', refundCents: PRICE });
    expect((await getOrder(stack.store, order.orderId)).status).toBe('CONFIRMED'); // A2 still good

    // Finished: the next run has nothing to do for it.
    const next = await planReconcile(stack.store, stack.platform.executions, later());
    expect(next.actions.filter((a) => a.orderId === order.orderId)).toEqual([]);
    await reconcile(deps(), later());
    expect((await ledger(order.orderId)).refunds).toHaveLength(1);
  });

  it("an order's last ticket refunded but the handler died before the order's refund: the reconciler refunds the order", async () => {
    const order = await buy(['A3']);
    const ticket = order.tickets![0]!;
    await expect(
      refundTicket(stack.store, diesAfterRefund(stack.platform.processor), {
        orderId: order.orderId,
        ticketId: ticket.ticketId,
        operatorId: 'op_test',
      }),
    ).rejects.toThrow(/timed out/);
    expect((await getOrder(stack.store, order.orderId)).status).toBe('CONFIRMED'); // with no valid ticket

    await reconcile(deps(), later());
    const done = await getOrder(stack.store, order.orderId);
    expect(done.status).toBe('CANCELLED');
    expect(done.failureReason).toMatch(new RegExp(`^${REFUND_REASON}`));
    const money = await ledger(order.orderId);
    expect(money.refunds.map((r) => r.amountCents)).toEqual([PRICE]); // the ticket's refund, once
    expect(money.charge).toMatchObject({ outcome: 'REFUNDED', refundedCents: PRICE }); // nothing more
    expect(await seat('A3')).toMatchObject({ status: 'AVAILABLE' });
    expect(await ticketOf(ticket.ticketId)).toMatchObject({ state: 'VOIDED' });
  });

  it("a whole order's refund that died after its status write: the reconciler voids, frees and refunds once", async () => {
    const order = await buy(['A4', 'A5']);
    // What refundOrder's first write leaves when the handler dies right after it.
    await updateOrder(stack.store, order.orderId, {
      set: { status: 'CANCELLED', failureReason: REFUND_REASON },
      from: ['CONFIRMED'],
    });
    await reconcile(deps(), later());
    const money = await ledger(order.orderId);
    expect(money.charge).toMatchObject({ outcome: 'REFUNDED', refundedCents: 2 * PRICE });
    expect(money.refunds).toEqual([]);
    for (const t of order.tickets!) expect(await ticketOf(t.ticketId)).toMatchObject({ state: 'VOIDED' });
    expect(await seat('A4')).toMatchObject({ status: 'AVAILABLE' });
    expect(await seat('A5')).toMatchObject({ status: 'AVAILABLE' });
  });

  it('DynamoDB failing under ticket refunds (the fault switch): requests die between steps, one reconciler run finishes every one, each refunded once', async () => {
    // Most calls fail (after the SDK's own retries some reach the handler). A request that died
    // before the void changed nothing and is sent again; one that died after it is never retried —
    // the operator walked away, only the reconciler is left to finish it. The fault draws are shared
    // with the stack's own timers (reconciler, live-map sweep), so a seed does not fix where requests
    // die: a round of eight refunds is followed by another (fresh orders) until one died after its
    // void and one was left voided without its money back (once in CI a single round had neither).
    const orders: OrderView[] = [];
    const cutShort: string[] = [];
    const halfDone: string[] = [];
    for (const [round, rows] of [
      ['B', 'C'],
      ['D', 'E'],
      ['F', 'G'],
    ].entries()) {
      stack.faults.set('off');
      const bought = await Promise.all(
        rows.flatMap((row) => [1, 3, 5, 7].map((n) => buy([`${row}${n}`, `${row}${n + 1}`]))),
      );
      orders.push(...bought);
      stack.faults.set({ seed: 7 + round, rates: { 'dynamodb.error': 0.6 } });
      for (const order of bought) {
        const ticket = order.tickets![0]!;
        for (let attempt = 0; attempt < 8; attempt++) {
          const answer = await call(
            stack,
            'POST',
            `/api/admin/orders/${order.orderId}/tickets/${ticket.ticketId}/refund`,
            {
              token: operator,
              body: {},
            },
          );
          if (answer.status < 500) break;
          if ((await ticketOf(ticket.ticketId)).refundedAt !== undefined) {
            cutShort.push(order.orderId);
            break;
          }
        }
      }
      stack.faults.set('off');
      for (const order of bought) {
        const voided = (await ticketOf(order.tickets![0]!.ticketId)).refundedAt !== undefined;
        if (voided && (await ledger(order.orderId)).refunds.length === 0) halfDone.push(order.orderId);
      }
      if (cutShort.length > 0 && halfDone.length > 0) break;
    }
    expect(cutShort.length).toBeGreaterThan(0);
    expect(halfDone.length).toBeGreaterThan(0); // voided, money not given back: only the reconciler can finish these

    const report = await reconcile(deps(), later());
    expect(report.outcomes.filter((o) => !o.ok)).toEqual([]);
    for (const order of orders) {
      const ticket = await ticketOf(order.tickets![0]!.ticketId);
      const money = await ledger(order.orderId);
      if (ticket.refundedAt === undefined) {
        // Died before the void: nothing happened, nothing to finish (the operator may ask again).
        expect(ticket.state).toBe('VALID');
        expect(money.refunds).toEqual([]);
        continue;
      }
      expect(ticket.state).toBe('VOIDED');
      expect(money.refunds.map((r) => r.amountCents)).toEqual([PRICE]);
      expect(money.charge).toMatchObject({ outcome: 'CHARGED', refundedCents: PRICE });
      expect(await seat(ticket.seatId)).toMatchObject({ status: 'AVAILABLE' });
      expect((await getOrder(stack.store, order.orderId)).status).toBe('CONFIRMED');
    }
  });

  it('the money audit of the event is clean afterwards', async () => {
    const report = await eventually(async () => {
      const audited = await auditEvent(stack.store, eventId);
      expect(audited.problems).toEqual([]);
      return audited;
    });
    expect(report.money.unaccounted).toBe(0);
  });
});
