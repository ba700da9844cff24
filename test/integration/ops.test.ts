import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent } from '../../lambdas/core/create-event';
import type { OrderRecord } from '../../lambdas/core/order';
import { createOrder, submitBuyerAction } from '../../lambdas/core/order-service';
import { getOrder } from '../../lambdas/core/orders';
import { stepFunctionsExecutions, type Executions } from '../../lambdas/core/ops/executions';
import { orderReport } from '../../lambdas/core/ops/order-report';
import { planReset, resetEvent } from '../../lambdas/core/ops/reset-event';
import { findStuck, STUCK_GRACE_MS } from '../../lambdas/core/ops/stuck';
import { winners } from '../../lambdas/core/ops/winners';
import { SimulatedProcessor } from '../../lambdas/core/payments/simulated-processor';
import { readSeats } from '../../lambdas/core/seat-map';
import { PROJECT_ROOT } from '../../lib/api/node-handler';
import { writeEndpoints } from '../../local/endpoints-file';
import { startLocalStack, type LocalStack } from '../../local/local-stack';

/** The operator commands against the local stack: the same domain code the CLI (bin/ops.ts) runs. */
describe('operator commands', () => {
  let stack: LocalStack;
  let sfn: SFNClient;
  let executions: Executions;
  let seq = 0;

  beforeAll(async () => {
    stack = await startLocalStack({
      port: 0,
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
    sfn = new SFNClient({ endpoint: stack.url, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    executions = stepFunctionsExecutions(sfn, stack.stateMachineArn);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  async function newEvent(): Promise<string> {
    seq += 1;
    const event = await createEvent(stack.store, { eventId: `ops-${seq}`, name: 'Ops', rows: 2, seatsPerRow: 4, priceCents: 2500, holdSeconds: 600 });
    return event.eventId;
  }
  const order = (eventId: string, seatIds: string[], buyerId = 'buyer') =>
    createOrder(stack.store, stack.workflow, { eventId, buyerId, selection: { seatIds } });
  const pay = (o: OrderRecord, code: string) => submitBuyerAction(stack.store, stack.workflow, { orderId: o.orderId, buyerId: o.buyerId, action: { action: 'pay', code } });

  async function until(orderId: string, done: (o: OrderRecord) => boolean): Promise<OrderRecord> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const current = await getOrder(stack.store, orderId);
      if (done(current)) return current;
      if (Date.now() > deadline) throw new Error(`Order ${orderId}: ${JSON.stringify(current)}`);
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
  }
  const waiting = (o: OrderRecord) => o.status === 'HOLDING' && o.taskToken !== undefined;
  const executionEnded = async (orderId: string) => {
    for (let i = 0; i < 100 && (await executions.describe(orderId))?.status === 'RUNNING'; i++) await new Promise((r) => setTimeout(r, 50));
  };

  /** Moves a hold into the past, as if its time ran out while nothing released it. */
  async function ageHold(o: OrderRecord, byMs: number): Promise<number> {
    const past = Date.now() - byMs;
    await stack.store.doc.send(new UpdateCommand({
      TableName: stack.tables.orders, Key: { orderId: o.orderId }, UpdateExpression: 'SET holdExpiresAt = :past', ExpressionAttributeValues: { ':past': past },
    }));
    for (const seatId of o.seatIds) {
      await stack.store.doc.send(new UpdateCommand({
        TableName: stack.tables.seats, Key: { eventId: o.eventId, seatId }, UpdateExpression: 'SET holdExpiresAt = :past', ExpressionAttributeValues: { ':past': past },
      }));
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

  it('stuck: finds the seat and order whose hold expired without release after the state machine was stopped', async () => {
    const eventId = await newEvent();
    const created = await order(eventId, ['A3', 'A4']);
    await until(created.orderId, waiting);
    // Not stuck while its hold runs.
    const before = await findStuck(stack.store, executions);
    expect(before.seats.filter((s) => s.eventId === eventId)).toEqual([]);

    await sfn.send(new StopExecutionCommand({ executionArn: created.executionArn!, error: 'Test', cause: 'stopped by the test' }));
    const expiredAt = await ageHold(created, STUCK_GRACE_MS + 5_000);

    const stuck = await findStuck(stack.store, executions);
    expect(stuck.seats.filter((s) => s.eventId === eventId)).toEqual([
      { eventId, seatId: 'A3', orderId: created.orderId, holdExpiresAt: expiredAt, orderStatus: 'HOLDING' },
      { eventId, seatId: 'A4', orderId: created.orderId, holdExpiresAt: expiredAt, orderStatus: 'HOLDING' },
    ]);
    expect(stuck.orders.find((o) => o.orderId === created.orderId)).toMatchObject({ status: 'HOLDING', execution: 'ABORTED' });
    const report = await orderReport(stack.store, executions, created.orderId);
    expect(report.explanation.join('\n')).toMatch(/ABORTED[\s\S]*Stuck: the order is open but its flow is gone/);
  });

  it('winners and reset-event: refunds, voids tickets, frees every seat, stops open flows; again = nothing to do', async () => {
    const eventId = await newEvent();
    const sold = await order(eventId, ['A1', 'A2'], 'alice');
    await until(sold.orderId, waiting);
    await pay(sold, '11111');
    await until(sold.orderId, (o) => o.status === 'CONFIRMED');
    const held = await order(eventId, ['B1'], 'bob');
    await until(held.orderId, waiting);

    expect(await winners(stack.store, eventId)).toMatchObject({ seatCount: 8, soldSeats: 2, buyers: [{ buyerId: 'alice', seatIds: ['A1', 'A2'] }] });
    expect(await planReset(stack.store, eventId)).toMatchObject({ openOrders: [held.orderId], confirmedOrders: [sold.orderId], heldSeats: 1, soldSeats: 2 });

    const result = await resetEvent(stack.store, executions, new SimulatedProcessor(stack.store), eventId);
    // B1 is released by ending bob's order; the two sold seats by the seat sweep.
    expect(result).toMatchObject({ stoppedExecutions: 1, refundedOrders: [sold.orderId], releasedSeats: 2 });
    expect((await readSeats(stack.store, eventId, { consistent: true })).every((s) => s.status === 'AVAILABLE' && s.orderId === undefined)).toBe(true);
    const refunded = (await getOrder(stack.store, sold.orderId)) as OrderRecord & { voidedTickets?: unknown[] };
    expect(refunded.status).toBe('CANCELLED');
    expect(refunded.tickets).toBeUndefined();
    expect(refunded.voidedTickets).toHaveLength(2);
    expect(await getOrder(stack.store, held.orderId)).toMatchObject({ status: 'CANCELLED' });
    expect((await executions.describe(held.orderId))?.status).toBe('ABORTED');
    expect((await winners(stack.store, eventId)).buyers).toEqual([]);

    const again = await resetEvent(stack.store, executions, new SimulatedProcessor(stack.store), eventId);
    expect(again).toMatchObject({ openOrders: [], confirmedOrders: [], stoppedExecutions: 0, releasedSeats: 0 });
  });

  it('the CLI finds the running stack through endpoints.json; reset-event refuses without --yes', { timeout: 60_000 }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'ticketdrop-ops-'));
    try {
      await writeEndpoints(dataDir, {
        url: stack.url, dynamodbEndpoint: stack.dynamo.endpoint, region: 'us-east-1', tables: stack.tables, stateMachineArn: stack.stateMachineArn, pid: process.pid,
      });
      const cli = (...args: string[]) =>
        promisify(execFile)('npx', ['tsx', 'bin/ops.ts', ...args], { cwd: PROJECT_ROOT, env: { ...process.env, TICKETDROP_DATA_DIR: dataDir } }).then(
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
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
