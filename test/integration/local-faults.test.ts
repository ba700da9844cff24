import { GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { holdSeats } from '../../lambdas/core/seats/seat-locks';
import type { FaultSnapshot } from '../../local/faults/fault-switch';
import type { LocalStack } from '../../local/local-stack';
import { adminCreateEvent, call, createOrderFor, newBuyer, startApiStack } from '../support/api-client';
import { eventually } from '../support/eventually';

/**
 * The fault switch on the running local stack: each kind injected where AWS would fail, counted,
 * and reported on `GET /_local/faults`. Faults are switched on after setup and off again, each test
 * with rate 1 for the kind it shows, so nothing here depends on luck or timing.
 */
describe('the local stack with the fault switch', () => {
  let stack: LocalStack;
  let seq = 0;
  const newEvent = () =>
    adminCreateEvent(stack, {
      eventId: `faults-${++seq}`,
      name: 'Faults',
      rows: 2,
      seatsPerRow: 6,
      priceCents: 2500,
      holdSeconds: 120,
    });
  const count = (kind: keyof FaultSnapshot['counts']) => stack.faults.snapshot().counts[kind];

  beforeAll(async () => {
    delete process.env.TICKETDROP_FAULTS; // the default profile is what this suite starts from
    stack = await startApiStack();
  });

  afterEach(() => stack?.faults.set('off'));

  afterAll(async () => {
    await stack?.stop();
  });

  it('starts off, and answers GET /_local/faults with the snapshot', async () => {
    const response = await fetch(`${stack.url}/_local/faults`);
    expect(response.status).toBe(200);
    const snapshot = (await response.json()) as FaultSnapshot;
    expect(snapshot).toEqual(stack.faults.snapshot());
    expect(snapshot).toMatchObject({ profile: 'off', seed: expect.any(Number), deadLettered: 0 });
    expect(Object.keys(snapshot.counts).sort()).toEqual([
      'api.crash',
      'dynamodb.error',
      'dynamodb.throttle',
      'lambda.timeout',
      'payment.lostAnswer',
      'sfn.startFailed',
      'stream.batchFailed',
    ]);
    stack.faults.set('chaos');
    expect(((await (await fetch(`${stack.url}/_local/faults`)).json()) as FaultSnapshot).profile).toBe('chaos');
  });

  it('api.crash: the handler runs (its order is written), then the answer is a 502', async () => {
    const eventId = await newEvent();
    const buyer = await newBuyer(stack);
    stack.faults.set({ rates: { 'api.crash': 1 } });
    const crashed = await createOrderFor(stack, buyer, eventId, { seatIds: ['A1'] });
    stack.faults.set('off');
    expect(crashed.status).toBe(502);
    expect(crashed.body).toEqual({ message: 'Internal Server Error' });
    expect(count('api.crash')).toBeGreaterThanOrEqual(1);
    const orders = await call<{ orders: { seatIds: string[] }[] }>(
      stack,
      'GET',
      `/api/admin/events/${eventId}/orders?status=all`,
      { adminKey: stack.adminKey },
    );
    expect(orders.body.orders).toEqual([expect.objectContaining({ seatIds: ['A1'] })]);
  });

  it('DynamoDB faults reach the handlers through their SDK; a failing handler is a 5xx for that request only', async () => {
    const before = count('dynamodb.throttle');
    stack.faults.set({ rates: { 'dynamodb.throttle': 1 } });
    const throttled = await call(stack, 'GET', '/api/events/ticketdrop-live');
    stack.faults.set('off');
    expect(throttled.status).toBeGreaterThanOrEqual(500);
    expect(count('dynamodb.throttle') - before).toBeGreaterThan(1); // the SDK retried before giving up
    expect((await call(stack, 'GET', '/api/events/ticketdrop-live')).status).toBe(200);
  });

  it('sfn.startFailed: the order is written, its flow is not started (StartExecution refused)', async () => {
    const eventId = await newEvent();
    const buyer = await newBuyer(stack);
    stack.faults.set({ rates: { 'sfn.startFailed': 1 } });
    const refused = await createOrderFor(stack, buyer, eventId, { seatIds: ['B2'] });
    stack.faults.set('off');
    expect(refused.status).toBeGreaterThanOrEqual(500);
    expect(count('sfn.startFailed')).toBeGreaterThanOrEqual(1);
    const orders = await call<{ orders: { orderId: string }[] }>(
      stack,
      'GET',
      `/api/admin/events/${eventId}/orders?status=all`,
      { adminKey: stack.adminKey },
    );
    expect(orders.body.orders).toHaveLength(1);
    const { executions } = await stack.stepFunctions.listExecutions({
      stateMachineArn: stack.stateMachineArn,
      maxResults: 1000,
    });
    expect(executions?.some((e) => e.name === orders.body.orders[0]!.orderId)).toBe(false);
  });

  it('lambda.timeout: the step ran, and Step Functions saw Sandbox.Timedout instead of its answer', async () => {
    const eventId = await newEvent();
    const buyer = await newBuyer(stack);
    const created = await createOrderFor(stack, buyer, eventId, { seatIds: ['A3'] });
    expect(created.status).toBe(201);
    const { orderId } = created.body.order;
    stack.faults.set({ rates: { 'lambda.timeout': 1 }, lambdaStates: ['IssueTickets'] });
    const paying = await call(stack, 'POST', `/api/orders/${orderId}/payment`, {
      token: buyer.token,
      body: { code: '11111' },
    });
    expect(paying.status).toBe(202);

    const executionArn = `${stack.stateMachineArn.replace(':stateMachine:', ':execution:')}:${orderId}`;
    const sfn = new SFNClient({
      endpoint: stack.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const timedOut = async () => {
      const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
      return (events ?? []).filter(
        (e) =>
          e.lambdaFunctionFailedEventDetails?.error === 'Sandbox.Timedout' ||
          e.taskFailedEventDetails?.error === 'Sandbox.Timedout',
      );
    };
    await eventually(async () => {
      if ((await timedOut()).length === 0) throw new Error('No step timed out yet');
    });
    stack.faults.set('off');
    sfn.destroy();
    const failures = await timedOut();
    expect(failures.length).toBeGreaterThanOrEqual(1);
    expect(
      JSON.parse(failures[0]!.lambdaFunctionFailedEventDetails?.cause ?? failures[0]!.taskFailedEventDetails!.cause!),
    ).toMatchObject({
      errorType: 'Sandbox.Timedout',
    });
    expect(count('lambda.timeout')).toBeGreaterThanOrEqual(1);
  });

  it('stream.batchFailed: a batch that keeps failing is retried, bisected, dead-lettered; the feed moves on', async () => {
    const eventId = await newEvent();
    const socket = new WebSocket(stack.webSocketUrl);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const messages: string[] = [];
    socket.on('message', (data) => messages.push(String(data)));
    socket.send(JSON.stringify({ action: 'subscribe', eventId }));
    await eventually(() => expect(messages.some((m) => m.includes('subscribed'))).toBe(true), { intervalMs: 25 });

    const { store } = stack;
    const before = stack.faults.snapshot();
    stack.faults.set({ rates: { 'stream.batchFailed': 1 } });
    await holdSeats(store, { eventId, orderId: 'lost-update', seatIds: ['A6'], holdExpiresAt: Date.now() + 60_000 });
    // Wait for this seat's own letter: records of earlier tests still in the streams may be
    // dead-lettered first (by any consumer), before the seat change has used up its retries.
    await eventually(
      () =>
        expect(
          stack.faults.deadLetters.some(
            (l) => l.consumer === 'seat-map-ticks' && JSON.stringify(l.keys).includes('"A6"'),
          ),
        ).toBe(true),
      { intervalMs: 25 },
    );
    stack.faults.set('off');

    const after = stack.faults.snapshot();
    expect(after.deadLettered).toBeGreaterThan(before.deadLettered);
    // The seat change: tried once and retried (the seat-map ticks' retryAttempts: 3), then given up.
    expect(after.counts['stream.batchFailed'] - before.counts['stream.batchFailed']).toBeGreaterThanOrEqual(3);
    const letter = stack.faults.deadLetters.find(
      (l) => l.consumer === 'seat-map-ticks' && JSON.stringify(l.keys).includes('"A6"'),
    );
    // The letter may carry more of this event's records than A6: the seats the event's creation just
    // wrote can still be in the stream and arrive in the same batch (seen on a busy CI run).
    expect(letter).toMatchObject({
      reason: 'RetriesExhausted',
      keys: expect.arrayContaining([{ eventId: { S: eventId }, seatId: { S: 'A6' } }]),
    });
    // (The browser may have seen A6 anyway: a delivery that failed after the handler ran still sent it.)

    // The shard moved on: the next change reaches the browser.
    await holdSeats(store, { eventId, orderId: 'next-update', seatIds: ['B6'], holdExpiresAt: Date.now() + 60_000 });
    await eventually(() => expect(messages.some((m) => m.includes('"B6"'))).toBe(true), { intervalMs: 25 });
    socket.close();
  });
});
