import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SFNClient } from '@aws-sdk/client-sfn';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent } from '../../lambdas/core/events/create-event';
import { createOrder } from '../../lambdas/core/orders/create-order';
import { type Executions, stepFunctionsExecutions } from '../../lambdas/core/orders/executions';
import type { OrderRecord } from '../../lambdas/core/orders/order-record';
import { getOrder, updateOrder } from '../../lambdas/core/orders/order-store';
import type { OrderWorkflow } from '../../lambdas/core/orders/order-workflow';
import { compensateOrder } from '../../lambdas/core/orders/settlement';
import { paymentKey } from '../../lambdas/core/payments/processor';
import { SimulatedProcessor } from '../../lambdas/core/payments/simulated-processor';
import { planReconcile } from '../../lambdas/core/reconcile/plan';
import { type ReconcilerDeps, reconcile } from '../../lambdas/core/reconcile/reconciler';
import { confirmSeats } from '../../lambdas/core/seats/seat-locks';
import { readSeats } from '../../lambdas/core/seats/seat-map';
import { ticketsOfOrder } from '../../lambdas/core/tickets/ticket-store';
import { type LocalStack, startLocalStack } from '../../local/local-stack';

/**
 * The reconciler finishes what flows left unfinished, the same way after a local restart (its
 * executions lived in memory) as after any fault on AWS: a flow never started, a flow gone while
 * its order is open, money or seats kept by an ended order, a flow still running for an ended one.
 */
describe('reconciler', () => {
  let dataDir: string;
  let stack: LocalStack | undefined;
  const fast = { declineRate: 0, latencyMs: 0, slowRate: 0, slowLatencyMs: 0, lostAnswerRate: 0 };
  const EVENT = 'reconcile';

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ticketdrop-reconcile-'));
  });

  afterAll(async () => {
    await stack?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const deps = (s: LocalStack): ReconcilerDeps => ({
    store: s.store,
    executions: executionsOf(s),
    workflow: s.workflow,
    processor: new SimulatedProcessor(s.store, fast),
    ticketSigningKey: async () => s.ticketSigningKey,
  });
  const executionsOf = (s: LocalStack): Executions =>
    stepFunctionsExecutions(
      new SFNClient({ endpoint: s.url, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } }),
      s.stateMachineArn,
    );
  /** A flow that was never started: what a create-order Lambda dying before StartExecution leaves. */
  const noFlow: OrderWorkflow = { start: async () => '', resume: async () => undefined, isRunning: async () => false };

  /** Charged under its pay request's key, then the process died before the order recorded it. */
  async function paidButUnrecorded(s: LocalStack, order: OrderRecord, paymentDeadline: number) {
    const intent = { key: paymentKey(order.orderId, 1), amountCents: order.amountCents, round: 1 };
    await updateOrder(s.store, order.orderId, {
      set: { status: 'PAYING', 'payment.intent': intent, paymentDeadline },
      increment: { 'payment.round': 1 },
      from: ['HOLDING'],
    });
    await new SimulatedProcessor(s.store, fast).charge({
      idempotencyKey: intent.key,
      orderId: order.orderId,
      amountCents: intent.amountCents,
      currency: 'EUR',
      code: '11111',
    });
  }

  it('restarts the flow of a live hold whose flow is gone, completes a paid order, ends an unpaid one', async () => {
    // After a restart of the local stack its executions are gone (they lived in memory); orders
    // made without a flow are in exactly that state, without restarting inside this test process.
    stack = await startLocalStack({ dataDir, port: 0 });
    expect(stack.startupReconcile).toMatchObject({ failed: 0 });
    const { store } = stack;
    await createEvent(store, { eventId: EVENT, name: 'Reconcile', rows: 2, seatsPerRow: 6, priceCents: 1000 });
    const live = await createOrder(store, noFlow, { eventId: EVENT, buyerId: 'b1', selection: { seatIds: ['A1'] } });
    const paid = await createOrder(store, noFlow, { eventId: EVENT, buyerId: 'b2', selection: { seatIds: ['A2'] } });
    const unpaid = await createOrder(store, noFlow, { eventId: EVENT, buyerId: 'b3', selection: { seatIds: ['A3'] } });
    await paidButUnrecorded(stack, paid, Date.now() - 60_000);
    await updateOrder(store, unpaid.orderId, {
      set: { status: 'PAYING', paymentDeadline: Date.now() - 60_000 },
      increment: { 'payment.round': 1 },
      from: ['HOLDING'],
    });

    // Past the start grace: a create request that was still starting its flow would be done by now.
    const report = await reconcile(deps(stack), { now: Date.now() + 20_000 });
    const byOrder = new Map(report.outcomes.map((o) => [o.action.orderId, o]));
    expect(byOrder.get(paid.orderId)?.result).toBe('paid: confirmed and ticketed');
    expect(byOrder.get(unpaid.orderId)?.action.kind).toBe('finishOrder');

    const confirmed = await getOrder(stack.store, paid.orderId);
    expect(confirmed).toMatchObject({ status: 'CONFIRMED', payment: { chargeId: expect.stringMatching(/^ch_/) } });
    expect((await ticketsOfOrder(stack.store, confirmed)).map((t) => t.state)).toEqual(['VALID']);
    expect(await getOrder(stack.store, unpaid.orderId)).toMatchObject({ status: 'FAILED' });
    const seats = new Map((await readSeats(stack.store, EVENT, { consistent: true })).map((s) => [s.seatId, s]));
    expect(seats.get('A2')).toMatchObject({ status: 'SOLD', orderId: paid.orderId });
    expect(seats.get('A3')!.status).toBe('AVAILABLE');
    // The live hold keeps its seats and gets its flow back (same name as the order).
    expect(byOrder.get(live.orderId)?.result).toBe('flow started');
    expect((await executionsOf(stack).describe(live.orderId))?.status).toBe('RUNNING');
    expect(seats.get('A1')).toMatchObject({ status: 'HELD', orderId: live.orderId });
  });

  it('starts a flow that was never started, and only once its create request had time to', async () => {
    const s = stack!;
    const order = await createOrder(s.store, noFlow, { eventId: EVENT, buyerId: 'b4', selection: { seatIds: ['B1'] } });
    expect(
      (await planReconcile(s.store, executionsOf(s))).actions.find((a) => a.orderId === order.orderId),
    ).toBeUndefined();
    const plan = await planReconcile(s.store, executionsOf(s), { now: Date.now() + 20_000 });
    expect(plan.actions.find((a) => a.orderId === order.orderId)).toMatchObject({ kind: 'startFlow' });
    await reconcile(deps(s), { now: Date.now() + 20_000 });
    expect((await executionsOf(s).describe(order.orderId))?.status).toBe('RUNNING');
  });

  it('stops a flow still running past its deadline and expires the order', async () => {
    const s = stack!;
    const order = await createOrder(s.store, s.workflow, {
      eventId: EVENT,
      buyerId: 'b5',
      selection: { seatIds: ['B2'] },
    });
    const report = await reconcile(deps(s), { now: order.holdExpiresAt + 60_000 });
    expect(report.outcomes.find((o) => o.action.orderId === order.orderId)?.action).toMatchObject({
      kind: 'finishOrder',
      stopFlow: true,
    });
    expect(await getOrder(s.store, order.orderId)).toMatchObject({ status: 'EXPIRED' });
    expect((await executionsOf(s).describe(order.orderId))?.status).toBe('ABORTED');
  });

  it('refunds a charge and frees a sold seat that an ended order kept', async () => {
    const s = stack!;
    const order = await createOrder(s.store, noFlow, { eventId: EVENT, buyerId: 'b6', selection: { seatIds: ['B3'] } });
    await paidButUnrecorded(s, order, Date.now() + 60_000);
    await confirmSeats(s.store, { eventId: EVENT, orderId: order.orderId, seatIds: ['B3'] });
    // Ended by hand, as a half-finished compensation would leave it: status final, money and seat not.
    await updateOrder(s.store, order.orderId, { set: { status: 'FAILED' }, from: ['PAYING'] });
    const report = await reconcile(deps(s));
    expect(report.outcomes.find((o) => o.action.orderId === order.orderId)).toMatchObject({
      ok: true,
      action: { kind: 'settleOrder' },
    });
    expect((await new SimulatedProcessor(s.store, fast).lookup(paymentKey(order.orderId, 1))).status).toBe('REFUNDED');
    expect((await readSeats(s.store, EVENT, { consistent: true })).find((x) => x.seatId === 'B3')!.status).toBe(
      'AVAILABLE',
    );
    // Nothing left for the next run.
    expect((await planReconcile(s.store, executionsOf(s))).actions.filter((a) => a.orderId === order.orderId)).toEqual(
      [],
    );
  });

  it('stops a flow still running for an order that has ended', async () => {
    const s = stack!;
    const order = await createOrder(s.store, s.workflow, {
      eventId: EVENT,
      buyerId: 'b7',
      selection: { seatIds: ['B4'] },
    });
    await compensateOrder(s.store, new SimulatedProcessor(s.store, fast), {
      orderId: order.orderId,
      status: 'CANCELLED',
      reason: 'test',
    });
    const report = await reconcile(deps(s));
    expect(report.outcomes.find((o) => o.action.orderId === order.orderId)).toMatchObject({ result: 'flow stopped' });
  });

  it('frees the waiting-room slot of an ended order, never one whose order is still being created', async () => {
    const s = stack!;
    await createEvent(s.store, {
      eventId: 'reconcile-room',
      name: 'Room',
      rows: 1,
      seatsPerRow: 4,
      priceCents: 1000,
      waitingRoom: { enabled: true, maxActivePurchasers: 2 },
    });
    // The order is of another event (no room), so the orders-stream consumer cannot free the slot
    // first: what is tested is the reconciler's own pass over the queues.
    const ended = await createOrder(s.store, noFlow, { eventId: EVENT, buyerId: 'b8', selection: { seatIds: ['B5'] } });
    await compensateOrder(s.store, new SimulatedProcessor(s.store, fast), {
      orderId: ended.orderId,
      status: 'CANCELLED',
      reason: 'test',
    });
    const now = Date.now();
    const slot = (orderId: string, position: number) => ({ position, admittedAt: now, until: now + 60_000, orderId });
    await s.store.doc.send(
      new PutCommand({
        TableName: s.tables.waitingRooms,
        Item: {
          eventId: 'reconcile-room',
          servingPosition: 2,
          admittedCount: 2,
          version: 1,
          updatedAt: now,
          active: { b8: slot(ended.orderId, 1), b9: slot('ord_not-written-yet', 2) },
        },
      }),
    );
    const actions = (await planReconcile(s.store, executionsOf(s))).actions.filter((a) => a.kind === 'freeSlot');
    expect(actions).toEqual([expect.objectContaining({ kind: 'freeSlot', orderId: ended.orderId, buyerId: 'b8' })]);
    // Past its safety deadline, a slot whose order never appeared is a leftover too.
    const later = (await planReconcile(s.store, executionsOf(s), { now: now + 120_000 })).actions.filter(
      (a) => a.kind === 'freeSlot',
    );
    expect(later.map((a) => a.orderId).sort()).toEqual([ended.orderId, 'ord_not-written-yet'].sort());
  });
});
