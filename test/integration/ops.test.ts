import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SFNClient } from '@aws-sdk/client-sfn';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent } from '../../lambdas/core/events/create-event';
import { getEvent } from '../../lambdas/core/events/event-records';
import { ordersOfEvent } from '../../lambdas/core/events/event-report';
import { submitBuyerAction } from '../../lambdas/core/orders/buyer-action';
import { createOrder } from '../../lambdas/core/orders/create-order';
import { type Executions, stepFunctionsExecutions } from '../../lambdas/core/orders/executions';
import type { OrderRecord } from '../../lambdas/core/orders/order-record';
import { isFinal } from '../../lambdas/core/orders/order-record';
import { orderReport } from '../../lambdas/core/orders/order-report';
import { getOrder, updateOrder } from '../../lambdas/core/orders/order-store';
import type { OrderWorkflow } from '../../lambdas/core/orders/order-workflow';
import { paymentKey } from '../../lambdas/core/payments/processor';
import { SimulatedProcessor } from '../../lambdas/core/payments/simulated-processor';
import { readSeats } from '../../lambdas/core/seats/seat-map';
import { verifyTicket } from '../../lambdas/core/tickets/ticket-check';
import { ticketsOfOrder } from '../../lambdas/core/tickets/ticket-store';
import { PROJECT_ROOT } from '../../lib/constructs/node-handler';
import { writeEndpoints } from '../../local/endpoints-file';
import { type LocalStack, startLocalStack } from '../../local/local-stack';
import { auditEvent } from '../../ops/audit';
import { planReset, RESET_REASON, resetEvent } from '../../ops/reset-event';
import { findStuck, STUCK_GRACE_MS } from '../../ops/stuck';
import { winners } from '../../ops/winners';
import { eventually } from '../support/eventually';

/** The operator commands against the local stack: the same domain code the CLI (ops/cli.ts) runs. */
describe('operator commands', () => {
  let stack: LocalStack;
  let sfn: SFNClient;
  let executions: Executions;
  let seq = 0;

  beforeAll(async () => {
    stack = await startLocalStack({
      port: 0,
      // The tests run the reconciler themselves: its timer must not finish their stuck orders first.
      reconcileIntervalMs: 3_600_000,
      environment: {
        PAYMENT_LATENCY_MS: '50',
        PAYMENT_DECLINE_RATE: '0',
        PAYMENT_SLOW_RATE: '0',
        PAYMENT_ROUNDS: '1', // one declined pay request fails the order
        NOTIFICATION_LATENCY_MS: '5',
        EMAIL_FAILURE_RATE: '0',
        SMS_FAILURE_RATE: '0',
      },
    });
    sfn = new SFNClient({
      endpoint: stack.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    executions = stepFunctionsExecutions(sfn, stack.stateMachineArn);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  async function newEvent(): Promise<string> {
    seq += 1;
    const event = await createEvent(stack.store, {
      eventId: `ops-${seq}`,
      name: 'Ops',
      rows: 2,
      seatsPerRow: 4,
      priceCents: 2500,
      holdSeconds: 600,
    });
    return event.eventId;
  }
  /** An order flow that never starts (a create request that died before StartExecution). */
  const noFlow: OrderWorkflow = { start: async () => '', resume: async () => undefined, isRunning: async () => false };
  const order = (eventId: string, seatIds: string[], buyerId = 'buyer') =>
    createOrder(stack.store, stack.workflow, { eventId, buyerId, selection: { seatIds } });
  const pay = (o: OrderRecord, code: string) =>
    submitBuyerAction(stack.store, stack.workflow, {
      orderId: o.orderId,
      buyerId: o.buyerId,
      action: { action: 'pay', code },
    });

  function until(orderId: string, done: (o: OrderRecord) => boolean): Promise<OrderRecord> {
    return eventually(
      async () => {
        const current = await getOrder(stack.store, orderId);
        if (!done(current)) throw new Error(`Order ${orderId}: ${JSON.stringify(current)}`);
        return current;
      },
      { intervalMs: 40 },
    );
  }
  const waiting = (o: OrderRecord) => o.status === 'HOLDING' && o.taskToken !== undefined;
  const executionEnded = (orderId: string) =>
    eventually(async () => expect((await executions.describe(orderId))?.status).not.toBe('RUNNING'));

  /** Moves a hold into the past, as if its time ran out while nothing released it. */
  async function ageHold(o: OrderRecord, byMs: number): Promise<number> {
    const past = Date.now() - byMs;
    await stack.store.doc.send(
      new UpdateCommand({
        TableName: stack.tables.orders,
        Key: { orderId: o.orderId },
        UpdateExpression: 'SET holdExpiresAt = :past',
        ExpressionAttributeValues: { ':past': past },
      }),
    );
    for (const seatId of o.seatIds) {
      await stack.store.doc.send(
        new UpdateCommand({
          TableName: stack.tables.seats,
          Key: { eventId: o.eventId, seatId },
          UpdateExpression: 'SET holdExpiresAt = :past',
          ExpressionAttributeValues: { ':past': past },
        }),
      );
    }
    return past;
  }

  it('order: a failed order explains its failure, from the record and the execution history', async () => {
    const created = await order(await newEvent(), ['A1', 'A2']);
    await until(created.orderId, waiting);
    await pay(created, '00000'); // always declined
    await until(created.orderId, (o) => o.status === 'FAILED');
    await executionEnded(created.orderId);

    const report = await orderReport(stack.store, executions, created.orderId);
    expect(report.order.status).toBe('FAILED');
    expect(report.execution?.status).toBe('FAILED');
    const explanation = report.explanation.join('\n');
    expect(explanation).toMatch(/^FAILED: Payment failed/m);
    expect(explanation).toMatch(/declined/i);
    expect(explanation).toContain('The execution ended FAILED with PaymentFailed');
    expect(report.timeline.join('\n')).toMatch(/ChargePayment[\s\S]*RecordPaymentFailure[\s\S]*PaymentFailed/);
  });

  it('order: an open order says where it waits', async () => {
    const created = await order(await newEvent(), ['B1']);
    await until(created.orderId, waiting);
    const report = await orderReport(stack.store, executions, created.orderId);
    expect(report.currentState).toBe('WaitForBuyer');
    expect(report.explanation.join('\n')).toMatch(/waits for the buyer/);
  });

  it('stuck: finds the seat and order whose hold expired without release because its flow never started', async () => {
    const eventId = await newEvent();
    // A flow that never started: what a create-order Lambda dying before StartExecution leaves.
    // (A flow that fails or is stopped is compensated at once by the execution-ended rule.)
    const created = await createOrder(stack.store, noFlow, {
      eventId,
      buyerId: 'buyer',
      selection: { seatIds: ['A3', 'A4'] },
    });
    // Not stuck while its hold runs.
    const before = await findStuck(stack.store, executions);
    expect(before.seats.filter((s) => s.eventId === eventId)).toEqual([]);

    const expiredAt = await ageHold(created, STUCK_GRACE_MS + 5_000);

    const stuck = await findStuck(stack.store, executions);
    expect(stuck.seats.filter((s) => s.eventId === eventId)).toEqual([
      { eventId, seatId: 'A3', orderId: created.orderId, holdExpiresAt: expiredAt, orderStatus: 'HOLDING' },
      { eventId, seatId: 'A4', orderId: created.orderId, holdExpiresAt: expiredAt, orderStatus: 'HOLDING' },
    ]);
    expect(stuck.orders.find((o) => o.orderId === created.orderId)).toMatchObject({
      status: 'HOLDING',
      execution: 'NONE',
    });
    expect(stuck.reconcile.actions.find((a) => a.orderId === created.orderId)).toMatchObject({
      kind: 'finishOrder',
      status: 'EXPIRED',
    });
    const report = await orderReport(stack.store, executions, created.orderId);
    expect(report.explanation.join('\n')).toMatch(
      /No execution[\s\S]*Stuck: the order is open but its flow never started/,
    );
  });

  const processor = () => new SimulatedProcessor(stack.store, stack.platform.config.paymentSimulator);
  const deps = () => ({ store: stack.store, executions, workflow: stack.workflow, processor: processor() });
  /** Every ticket per seat of the event that verifies, over every ticket item of every order (VALID and VOIDED). */
  async function validTicketsBySeat(eventId: string): Promise<Map<string, string[]>> {
    const bySeat = new Map<string, string[]>();
    for (const o of await ordersOfEvent(stack.store, eventId)) {
      for (const t of await ticketsOfOrder(stack.store, o)) {
        if ((await verifyTicket(stack.store, stack.ticketSigningKey, t.token)).valid)
          bySeat.set(t.seatId, [...(bySeat.get(t.seatId) ?? []), o.orderId]);
      }
    }
    return bySeat;
  }
  async function buy(eventId: string, seatIds: string[], buyerId: string): Promise<OrderRecord> {
    const created = await order(eventId, seatIds, buyerId);
    await until(created.orderId, waiting);
    await pay(created, '11111');
    return until(created.orderId, (o) => o.status === 'CONFIRMED');
  }

  it('winners and reset-event: pauses the sale, cancels open orders through their flow, refunds and voids confirmed ones, frees every seat; again = nothing to do', async () => {
    const eventId = await newEvent();
    const sold = await buy(eventId, ['A1', 'A2'], 'alice');
    const held = await order(eventId, ['B1'], 'bob');
    await until(held.orderId, waiting);

    expect(await winners(stack.store, eventId)).toMatchObject({
      seatCount: 8,
      soldSeats: 2,
      buyers: [{ buyerId: 'alice', seatIds: ['A1', 'A2'] }],
    });
    expect(await planReset(stack.store, eventId)).toMatchObject({
      eventStatus: 'ON_SALE',
      openOrders: [held.orderId],
      confirmedOrders: [sold.orderId],
      heldSeats: 1,
      soldSeats: 2,
    });

    const result = await resetEvent(deps(), eventId);
    // B1 is released by bob's own flow (cancel); alice's two sold seats by her compensation.
    expect(result).toMatchObject({
      cancelledThroughFlow: [held.orderId],
      stoppedExecutions: 0,
      refundedOrders: [sold.orderId],
      voidedTickets: 2,
      releasedSeats: 2,
    });
    expect(
      (await readSeats(stack.store, eventId, { consistent: true })).every(
        (s) => s.status === 'AVAILABLE' && s.orderId === undefined,
      ),
    ).toBe(true);
    const refunded = await getOrder(stack.store, sold.orderId);
    expect(refunded).toMatchObject({
      status: 'CANCELLED',
      failureReason: expect.stringMatching(/reset by an operator/),
    });
    const voided = await ticketsOfOrder(stack.store, refunded);
    expect(voided.map((t) => t.state)).toEqual(['VOIDED', 'VOIDED']);
    expect((await processor().ledgerFor(sold.orderId)).map((e) => e.outcome)).toEqual(['REFUNDED']);
    for (const t of voided)
      expect(await verifyTicket(stack.store, stack.ticketSigningKey, t.token)).toMatchObject({
        valid: false,
        reason: 'voided',
      });
    expect(await getOrder(stack.store, held.orderId)).toMatchObject({
      status: 'CANCELLED',
      failureReason: RESET_REASON,
    });
    await executionEnded(held.orderId);
    expect((await executions.describe(held.orderId))?.status).toBe('SUCCEEDED'); // ended by its own flow, not aborted
    expect((await winners(stack.store, eventId)).buyers).toEqual([]);
    expect((await getEvent(stack.store, eventId)).status).toBe('ON_SALE');
    expect(await auditEvent(stack.store, eventId)).toMatchObject({
      clean: true,
      money: { charged: 1, ticketed: 0, refunded: 1, unaccounted: 0 },
      tickets: 0,
      soldSeats: 0,
    });

    const again = await resetEvent(deps(), eventId);
    expect(again).toMatchObject({
      openOrders: [],
      confirmedOrders: [],
      cancelledThroughFlow: [],
      stoppedExecutions: 0,
      refundedOrders: [],
      releasedSeats: 0,
    });
  });

  it('reset-event during a live sale: an order that confirms while the reset runs is refunded and voided, its seat sold once (regression)', async () => {
    const eventId = await newEvent();
    const early = await order(eventId, ['A1'], 'alice');
    await until(early.orderId, waiting);
    const waitingBuyer = await order(eventId, ['B1'], 'carol');
    await until(waitingBuyer.orderId, waiting);

    // The interleaving of the bug: the reset sees alice's order PAYING; her flow confirms it
    // before anything the reset does to it lands (here: before a stop of her execution would).
    const confirmedFirst: Executions = {
      ...executions,
      stop: async (orderId, cause) => {
        if (orderId === early.orderId) await until(orderId, (o) => isFinal(o.status));
        return executions.stop(orderId, cause);
      },
    };
    // While the reset runs, nobody can start a hold: the sale is paused.
    let refusedWhilePaused: unknown;
    const watching: OrderWorkflow = {
      ...stack.workflow,
      resume: async (token, action) => {
        refusedWhilePaused ??= await order(eventId, ['B4'], 'dave').then(
          () => 'accepted',
          (e: unknown) => e,
        );
        return stack.workflow.resume(token, action);
      },
    };
    await pay(early, '11111');
    const result = await resetEvent({ ...deps(), executions: confirmedFirst, workflow: watching }, eventId);
    const refunded = await getOrder(stack.store, early.orderId);
    expect(refunded).toMatchObject({ status: 'CANCELLED' });
    expect(await ticketsOfOrder(stack.store, refunded)).toEqual([
      expect.objectContaining({ seatId: 'A1', state: 'VOIDED' }),
    ]);
    expect(result.refundedOrders).toContain(early.orderId);

    // Back on sale: the seat sells again, once.
    const later = await buy(eventId, ['A1'], 'bob');
    const bySeat = await validTicketsBySeat(eventId);
    expect(bySeat.get('A1')).toEqual([later.orderId]);
    expect([...bySeat.values()].every((owners) => owners.length === 1)).toBe(true);
    const audit = await auditEvent(stack.store, eventId);
    expect(audit.problems).toEqual([]);
    expect(audit).toMatchObject({
      clean: true,
      oversold: 0,
      tickets: 1,
      soldSeats: 1,
      money: { charged: 2, ticketed: 1, refunded: 1, unaccounted: 0, doubleCharged: 0 },
    });
    expect(refusedWhilePaused).toMatchObject({
      code: 'ValidationFailed',
      message: expect.stringMatching(/not on sale/),
    });
  });

  it('reset-event races real payments and holds (no hooks): no seat ends with two valid tickets, the audit is clean', async () => {
    const eventId = await newEvent();
    const seats = ['A1', 'A2', 'A3', 'A4', 'B1', 'B2', 'B3', 'B4'];
    const opened = await Promise.all(seats.map((seatId, i) => order(eventId, [seatId], `racer-${i}`)));
    await Promise.all(opened.map((o) => until(o.orderId, waiting)));
    // Half pay right as the reset starts, half are left holding.
    const paying = Promise.all(opened.slice(0, 4).map((o) => pay(o, '11111').catch(() => undefined)));
    const reset = resetEvent(deps(), eventId);
    await paying;
    await reset;
    for (const o of opened) expect(isFinal((await getOrder(stack.store, o.orderId)).status)).toBe(true);
    expect((await readSeats(stack.store, eventId, { consistent: true })).every((s) => s.status === 'AVAILABLE')).toBe(
      true,
    );

    const rebought = await Promise.all(seats.slice(0, 4).map((seatId, i) => buy(eventId, [seatId], `second-${i}`)));
    const bySeat = await validTicketsBySeat(eventId);
    expect([...bySeat.entries()].sort()).toEqual(rebought.map((o) => [o.seatIds[0], [o.orderId]]).sort());
    const audit = await auditEvent(stack.store, eventId);
    expect(audit.problems).toEqual([]);
    expect(audit).toMatchObject({ clean: true, oversold: 0, tickets: 4, soldSeats: 4 });
  });

  it('reset-event ends an order whose flow is gone: its execution is not running, so it is compensated after the wait', async () => {
    const eventId = await newEvent();
    const orphan = await createOrder(stack.store, noFlow, { eventId, buyerId: 'erin', selection: { seatIds: ['A1'] } });

    const result = await resetEvent(deps(), eventId, { flowWaitMs: 1_500 });
    expect(result).toMatchObject({ cancelledThroughFlow: [], stoppedExecutions: 0, releasedSeats: 1 });
    expect(await getOrder(stack.store, orphan.orderId)).toMatchObject({
      status: 'CANCELLED',
      failureReason: RESET_REASON,
    });
    expect((await auditEvent(stack.store, eventId)).clean).toBe(true);
  });

  it('the CLI finds the running stack through endpoints.json; reset-event refuses without --yes', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'ticketdrop-ops-'));
    try {
      await writeEndpoints(dataDir, {
        url: stack.url,
        dynamodbEndpoint: stack.dynamo.endpoint,
        region: 'us-east-1',
        tables: stack.tables,
        stateMachineArn: stack.stateMachineArn,
        pid: process.pid,
      });
      const cli = (...args: string[]) =>
        promisify(execFile)('npx', ['tsx', 'ops/cli.ts', ...args], {
          cwd: PROJECT_ROOT,
          env: { ...process.env, TICKETDROP_DATA_DIR: dataDir },
        }).then(
          (r) => ({ code: 0, ...r }),
          (e: { code: number; stdout: string; stderr: string }) => e,
        );
      const stuck = await cli('stuck', '--json');
      expect(stuck.code, stuck.stderr).toBe(3); // the stopped order above is stuck
      expect(JSON.parse(stuck.stdout).seats.length).toBeGreaterThan(0);
      expect(JSON.parse(stuck.stdout).reconcile.actions.length).toBeGreaterThan(0);

      // The reconciler finishes it (it would within a minute anyway); then nothing is left for it.
      const reconciled = await cli('reconcile', '--json');
      expect(reconciled.code, reconciled.stderr).toBe(0);
      expect(JSON.parse(reconciled.stdout)).toMatchObject({ failed: 0, actions: expect.any(Number) });
      const after = await cli('stuck', '--json');
      expect(JSON.parse(after.stdout).reconcile.actions).toEqual([]);

      const refused = await cli('reset-event', 'ops-1');
      expect(refused.code).toBe(1);
      expect(refused.stdout).toMatch(/Refused: run again with --yes/);

      // audit: clean → 0; a charge kept by a cancelled order → 4, named in the report.
      const cleanEvent = await newEvent();
      const clean = await cli('audit', cleanEvent, '--json');
      expect(clean.code, clean.stderr).toBe(0);
      expect(JSON.parse(clean.stdout)).toMatchObject({
        eventId: cleanEvent,
        clean: true,
        money: { charged: 0, unaccounted: 0 },
      });
      const strandedEvent = await newEvent();
      // (no flow: a stopped one would be compensated by the execution-ended rule, which refunds)
      const stranded = await createOrder(stack.store, noFlow, {
        eventId: strandedEvent,
        buyerId: 'frank',
        selection: { seatIds: ['A1'] },
      });
      const { chargeId } = await processor().charge({
        idempotencyKey: paymentKey(stranded.orderId, 1),
        orderId: stranded.orderId,
        amountCents: 2500,
        currency: 'EUR',
        code: '11111',
      });
      await updateOrder(stack.store, stranded.orderId, {
        set: { status: 'CANCELLED' },
        increment: { 'payment.round': 1 },
        from: ['HOLDING'],
      });
      const dirty = await cli('audit', strandedEvent);
      expect(dirty.code, dirty.stderr).toBe(4);
      expect(dirty.stdout).toMatch(/1 PROBLEM/);
      expect(dirty.stdout).toContain(`unaccountedCharge        order ${stranded.orderId}, charge ${chargeId}`);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
