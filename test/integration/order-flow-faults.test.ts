import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent } from '../../lambdas/core/events/create-event';
import { submitBuyerAction } from '../../lambdas/core/orders/buyer-action';
import { createOrder } from '../../lambdas/core/orders/create-order';
import type { OrderRecord } from '../../lambdas/core/orders/order-record';
import { getOrder } from '../../lambdas/core/orders/order-store';
import { type OrderWorkflow, stepFunctionsWorkflow } from '../../lambdas/core/orders/order-workflow';
import { paymentKey } from '../../lambdas/core/payments/processor';
import { SimulatedProcessor } from '../../lambdas/core/payments/simulated-processor';
import { parseConfig } from '../../lambdas/core/platform/config';
import { createStore, type Store } from '../../lambdas/core/platform/store';
import { readSeats } from '../../lambdas/core/seats/seat-map';
import { ticketsOfOrder } from '../../lambdas/core/tickets/ticket-store';
import type { Platform } from '../../lambdas/wiring/platform';
import { HANDLER_ENTRY_METADATA } from '../../lib/constructs/node-handler';
import { loadHandler } from '../../local/handler-loader';
import { createLocalPlatform, tableEnvironment } from '../../local/local-platform';
import { PROJECT_ROOT } from '../../local/local-stack';
import { orderStateMachineOf } from '../../local/order-flow-functions';
import {
  type LambdaHandler,
  LocalStepFunctions,
  type LocalStepFunctionsServer,
  startLocalStepFunctionsServer,
} from '../../local/stepfunctions';
import { synthesizeTemplate } from '../../local/synthesize-template';
import { eventually } from '../support/eventually';
import { testDynamoEndpoint, useTestTables } from '../support/local-dynamo';

/**
 * The synthesized order state machine when its steps fail the way Lambda steps fail on AWS
 * (a function error, a throttle, an answer that never arrives). The definition is what is under
 * test: it runs on the local Step Functions with the real step handlers on DynamoDB Local, and one
 * step at a time is swapped for a faulty stand-in (`faults`, keyed by the step's handler module).
 */
describe('the order state machine under step faults', () => {
  let store: Store;
  let service: LocalStepFunctions;
  let server: LocalStepFunctionsServer;
  let workflow: OrderWorkflow;
  let sfn: SFNClient;
  let stateMachineArn: string;
  let seq = 0;
  const faults = new Map<string, (real: LambdaHandler) => LambdaHandler>();
  let platform: Platform;

  beforeAll(async () => {
    const { client, tables } = await useTestTables();
    store = createStore(client, tables);
    // The step handlers' own platform: what their environment would carry, on the test tables.
    const config = parseConfig({
      ...tableEnvironment(tables),
      TICKET_SIGNING_KEY: 'faults-test-signing-key-0123456789abcdef',
      PAYMENT_LATENCY_MS: '20',
      PAYMENT_DECLINE_RATE: '0',
      PAYMENT_SLOW_RATE: '0',
      NOTIFICATION_LATENCY_MS: '5',
      EMAIL_FAILURE_RATE: '0',
      SMS_FAILURE_RATE: '0',
    });
    platform = createLocalPlatform(config, { dynamo: testDynamoEndpoint() });
    const machine = orderStateMachineOf(synthesizeTemplate());
    const entries = new Map(machine.lambdaFunctions.map((fn) => [fn.arn, String(fn.metadata[HANDLER_ENTRY_METADATA])]));
    const retryStates = Object.keys(machine.definition.States);
    service = new LocalStepFunctions({
      stateMachines: [{ name: machine.name, definition: machine.definition }],
      resolveFunction: async (arn) => {
        const entry = entries.get(arn)!;
        const real = await loadHandler<LambdaHandler>(PROJECT_ROOT, entry, platform);
        // Looked up per call, so each test can swap a step for a faulty one.
        return (event, context) => (faults.get(entry)?.(real) ?? real)(event, context);
      },
      // Retry waits shortened (the count of attempts is what matters here, not their spacing).
      timingOverrides: { retryIntervalOverrides: Object.fromEntries(retryStates.map((name) => [name, 20])) },
    });
    stateMachineArn = service.stateMachineArns[0]!;
    server = await startLocalStepFunctionsServer(service);
    sfn = new SFNClient({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    workflow = stepFunctionsWorkflow(sfn, stateMachineArn);
  });

  afterAll(async () => {
    await service?.stop();
    await server?.stop();
    sfn?.destroy();
  });

  async function newOrder(seatIds: string[]) {
    seq += 1;
    const eventId = `faults-${seq}`;
    await createEvent(store, { eventId, name: 'Faults', rows: 1, seatsPerRow: 4, priceCents: 2000 });
    return createOrder(store, workflow, { eventId, buyerId: 'buyer', selection: { seatIds } });
  }

  async function pay(orderId: string, code = '11111') {
    return submitBuyerAction(store, workflow, { orderId, buyerId: 'buyer', action: { action: 'pay', code } });
  }

  async function ended(orderId: string): Promise<{ order: OrderRecord; execution: string }> {
    const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${orderId}`;
    // Retries with backoff run before the flow ends: the test's own timeout is the bound.
    const execution = await eventually(
      async () => {
        const { status } = await sfn.send(new DescribeExecutionCommand({ executionArn }));
        if (status === 'RUNNING') throw new Error(`${executionArn} still running`);
        return status!;
      },
      { timeoutMs: 60_000 },
    );
    return { order: await getOrder(store, orderId), execution };
  }

  const seatStatus = async (eventId: string, seatId: string) =>
    (await readSeats(store, eventId, { consistent: true })).find((s) => s.seatId === seatId)?.status;
  const ledger = (orderId: string) =>
    new SimulatedProcessor(store, platform.config.paymentSimulator).ledgerFor(orderId);

  /** A step whose function always throws (a DynamoDB throttle that outlasted the SDK's retries...). */
  const alwaysFails = (name: string, message: string) => () => async () => {
    throw Object.assign(new Error(message), { name });
  };

  it('a step that keeps failing after the charge: retried, then compensated — refunded, seats freed, order FAILED with a reason', async () => {
    let calls = 0;
    faults.set('lambdas/steps/issue-tickets.ts', () => async () => {
      calls += 1;
      throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    });
    try {
      const order = await newOrder(['A1']);
      await pay(order.orderId);
      const { order: done, execution } = await ended(order.orderId);

      expect(calls).toBeGreaterThan(1); // the transient retry ran before the Catch
      expect(execution).toBe('FAILED');
      expect(done).toMatchObject({
        status: 'FAILED',
        failureReason: expect.stringContaining('ThrottlingException: Rate exceeded'),
      });
      expect(await ticketsOfOrder(store, done)).toEqual([]);
      expect(await seatStatus(order.eventId, 'A1')).toBe('AVAILABLE');
      expect((await ledger(order.orderId)).map((e) => e.outcome)).toEqual(['REFUNDED']);
    } finally {
      faults.clear();
    }
  });

  it('a transient fault after the charge is retried and the purchase completes with one charge', async () => {
    let calls = 0;
    faults.set('lambdas/steps/confirm-seats.ts', (real) => async (event, context) => {
      calls += 1;
      if (calls === 1)
        throw Object.assign(new Error('Transaction cancelled'), { name: 'TransactionCanceledException' });
      return real(event, context);
    });
    try {
      const order = await newOrder(['A2']);
      await pay(order.orderId);
      const { order: done, execution } = await ended(order.orderId);
      expect(execution).toBe('SUCCEEDED');
      expect(done).toMatchObject({ status: 'CONFIRMED' });
      expect((await ticketsOfOrder(store, done)).map((t) => t.state)).toEqual(['VALID']);
      expect((await ledger(order.orderId)).map((e) => e.outcome)).toEqual(['CHARGED']);
    } finally {
      faults.clear();
    }
  });

  it('every answer of the charge step lost after charging: the failure step finds the charge and confirms', async () => {
    // The processor charged on the first attempt; the step never answers (it "times out" every time).
    faults.set('lambdas/steps/charge-payment.ts', (real) => async (event, context) => {
      await real(event, context);
      throw Object.assign(new Error('Task timed out after 20.00 seconds'), { name: 'Sandbox.Timedout' });
    });
    try {
      const order = await newOrder(['A3']);
      await pay(order.orderId);
      const { order: done, execution } = await ended(order.orderId);
      expect(execution).toBe('SUCCEEDED');
      expect(done).toMatchObject({ status: 'CONFIRMED', payment: { chargeId: expect.stringMatching(/^ch_/) } });
      const entries = await ledger(order.orderId);
      expect(entries.map((e) => [e.idempotencyKey, e.outcome])).toEqual([[paymentKey(order.orderId, 1), 'CHARGED']]);
    } finally {
      faults.clear();
    }
  });

  it('an ending step that keeps failing is compensated with the status it was setting', async () => {
    faults.set(
      'lambdas/steps/end-order.ts',
      alwaysFails('ProvisionedThroughputExceededException', 'Throughput exceeded'),
    );
    let order: OrderRecord;
    try {
      order = await newOrder(['A4']);
      await submitBuyerAction(store, workflow, {
        orderId: order.orderId,
        buyerId: 'buyer',
        action: { action: 'cancel' },
      });
      const { order: done, execution } = await ended(order.orderId);
      expect(execution).toBe('FAILED');
      expect(done).toMatchObject({
        status: 'CANCELLED',
        failureReason: expect.stringContaining('ProvisionedThroughputExceededException'),
      });
      expect(await seatStatus(order.eventId, 'A4')).toBe('AVAILABLE');
    } finally {
      faults.clear();
    }
  });
});
