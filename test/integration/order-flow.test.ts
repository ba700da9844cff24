import { GetExecutionHistoryCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent } from '../../lambdas/core/events/create-event';
import { submitBuyerAction } from '../../lambdas/core/orders/buyer-action';
import { createOrder } from '../../lambdas/core/orders/create-order';
import type { OrderRecord } from '../../lambdas/core/orders/order-record';
import { getOrder } from '../../lambdas/core/orders/order-store';
import type { BuyerAction } from '../../lambdas/core/orders/order-workflow';
import { paymentKey } from '../../lambdas/core/payments/processor';
import { SimulatedProcessor } from '../../lambdas/core/payments/simulated-processor';
import { holdSeats } from '../../lambdas/core/seats/seat-locks';
import { readSeats } from '../../lambdas/core/seats/seat-map';
import { ticketsOfOrder } from '../../lambdas/core/tickets/ticket-store';
import { verifyTicketToken } from '../../lambdas/core/tickets/ticket-tokens';
import { type LocalStack, startLocalStack } from '../../local/local-stack';
import { eventually } from '../support/eventually';

/**
 * Every path of the order state machine, executed from the definition the CDK app synthesizes,
 * with the real step handlers on DynamoDB Local. Payment outcomes come from the simulator's test
 * codes (00000 declined, 11111 approved, 22222 declined once); its latency is kept short.
 */
describe('the order state machine', () => {
  let stack: LocalStack;
  let sfn: SFNClient;
  let seq = 0;

  beforeAll(async () => {
    stack = await startLocalStack({
      port: 0,
      environment: {
        PAYMENT_LATENCY_MS: '300',
        PAYMENT_DECLINE_RATE: '0',
        PAYMENT_SLOW_RATE: '0',
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
  });

  afterAll(async () => {
    await stack?.stop();
  });

  async function newEvent(holdSeconds = 60): Promise<string> {
    seq += 1;
    const event = await createEvent(stack.store, {
      eventId: `flow-${seq}`,
      name: 'Flow',
      rows: 2,
      seatsPerRow: 5,
      priceCents: 3000,
      holdSeconds,
    });
    return event.eventId;
  }

  const order = (eventId: string, seatIds: string[]) =>
    createOrder(stack.store, stack.workflow, { eventId, buyerId: 'buyer', selection: { seatIds } });
  const act = (orderId: string, action: BuyerAction) =>
    submitBuyerAction(stack.store, stack.workflow, { orderId, buyerId: 'buyer', action });

  /** Polls the order until `done` holds, collecting every payment status seen on the way. */
  function until(orderId: string, done: (o: OrderRecord) => boolean, seen: string[] = []): Promise<OrderRecord> {
    return eventually(
      async () => {
        const current = await getOrder(stack.store, orderId);
        if (seen.at(-1) !== current.payment.status) seen.push(current.payment.status);
        if (!done(current)) throw new Error(`Order ${orderId} stuck: ${JSON.stringify(current)}`);
        return current;
      },
      { intervalMs: 40 },
    );
  }
  const final = (o: OrderRecord) => ['CONFIRMED', 'EXPIRED', 'CANCELLED', 'FAILED'].includes(o.status);
  const waiting = (o: OrderRecord) => o.status === 'HOLDING' && o.taskToken !== undefined;

  async function execution(orderId: string) {
    const { executions = [] } = await sfn.send(new ListExecutionsCommand({ stateMachineArn: stack.stateMachineArn }));
    const matching = executions.filter((e) => e.name === orderId);
    expect(matching).toHaveLength(1);
    return matching[0]!;
  }

  async function eventuallyEnded(orderId: string, status: 'SUCCEEDED' | 'FAILED') {
    await eventually(async () => expect((await execution(orderId)).status).not.toBe('RUNNING'));
    expect((await execution(orderId)).status).toBe(status);
  }

  const seatStatuses = async (eventId: string) =>
    Object.fromEntries((await readSeats(stack.store, eventId, { consistent: true })).map((s) => [s.seatId, s.status]));

  const ledger = (orderId: string) =>
    new SimulatedProcessor(stack.store, stack.platform.config.paymentSimulator).ledgerFor(orderId);

  it('happy path: pay → seats sold, tickets in their own items (no image on the order), confirmations sent', async () => {
    const eventId = await newEvent();
    const { orderId } = await order(eventId, ['A1', 'A2']);
    await act(orderId, { action: 'pay', code: '11111' });
    const done = await until(orderId, final);

    expect(done).toMatchObject({
      status: 'CONFIRMED',
      payment: { status: 'succeeded' },
      notifications: { email: 'sent', sms: 'sent' },
    });
    expect(done).not.toHaveProperty('tickets');
    const tickets = await ticketsOfOrder(stack.store, done);
    expect(tickets.map((t) => [t.seatId, t.state])).toEqual([
      ['A1', 'VALID'],
      ['A2', 'VALID'],
    ]);
    for (const ticket of tickets) {
      expect(ticket).not.toHaveProperty('qrCode');
      expect(verifyTicketToken(ticket.token, stack.ticketSigningKey)).toMatchObject({
        orderId,
        seatId: ticket.seatId,
      });
    }
    expect(await seatStatuses(eventId)).toMatchObject({ A1: 'SOLD', A2: 'SOLD', A3: 'AVAILABLE' });
    expect((await ledger(orderId)).map((e) => [e.outcome, e.attempts])).toEqual([['CHARGED', 1]]);
    await eventuallyEnded(orderId, 'SUCCEEDED');
  });

  it('decline then success: the buyer sees trying → retrying → succeeded', async () => {
    const eventId = await newEvent();
    const { orderId } = await order(eventId, ['A1']);
    const seen: string[] = [];
    await act(orderId, { action: 'pay', code: '22222' });
    const done = await until(orderId, final, seen);
    expect(done).toMatchObject({ status: 'CONFIRMED', payment: { status: 'succeeded' } });
    expect(seen).toEqual(expect.arrayContaining(['trying', 'retrying', 'succeeded']));
    expect(seen.indexOf('trying')).toBeLessThan(seen.indexOf('retrying'));
    // One key per pay request: the declined attempt and the approved one share it.
    // The processor counted the attempts at that key (the flow keeps no count of its own).
    expect((await ledger(orderId)).map((e) => [e.idempotencyKey, e.outcome, e.attempts])).toEqual([
      [paymentKey(orderId, 1), 'CHARGED', 2],
    ]);
  });

  it('all attempts declined with pay requests left: waits again, keeps the seats, then pays', async () => {
    const eventId = await newEvent();
    const { orderId } = await order(eventId, ['B1']);
    await act(orderId, { action: 'pay', code: '00000' });
    const again = await until(orderId, (o) => waiting(o) && o.payment.status === 'failed');
    expect(again.payment).toMatchObject({ round: 1, lastError: expect.stringContaining('declined') });
    expect(await seatStatuses(eventId)).toMatchObject({ B1: 'HELD' });

    await act(orderId, { action: 'pay', code: '11111' });
    expect(await until(orderId, final)).toMatchObject({ status: 'CONFIRMED', payment: { round: 2 } });
    const byKey = Object.fromEntries((await ledger(orderId)).map((e) => [e.idempotencyKey, [e.outcome, e.attempts]]));
    expect(byKey).toEqual({ [paymentKey(orderId, 1)]: ['DECLINED', 3], [paymentKey(orderId, 2)]: ['CHARGED', 1] });
  });

  it('pay requests exhausted: seats released, order FAILED, and the history says why', async () => {
    stack.configure({ PAYMENT_ROUNDS: '1' });
    try {
      const eventId = await newEvent();
      const { orderId } = await order(eventId, ['B2']);
      await act(orderId, { action: 'pay', code: '00000' });
      const done = await until(orderId, final);
      expect(done).toMatchObject({
        status: 'FAILED',
        payment: { status: 'failed' },
        failureReason: expect.stringMatching(/Payment failed: .*declined/),
      });
      await eventuallyEnded(orderId, 'FAILED'); // the status is written first, seats and money settled after
      expect(await seatStatuses(eventId)).toMatchObject({ B2: 'AVAILABLE' });

      const { events = [] } = await sfn.send(
        new GetExecutionHistoryCommand({ executionArn: (await execution(orderId)).executionArn }),
      );
      const text = JSON.stringify(events);
      expect(text).toContain('PaymentDeclined');
      expect(events.at(-1)?.type).toBe('ExecutionFailed');
    } finally {
      stack.configure({ PAYMENT_ROUNDS: undefined });
    }
  });

  it('hold timeout: the wait times out, seats are released, order EXPIRED', async () => {
    const eventId = await newEvent(10);
    const { orderId } = await order(eventId, ['A3']);
    const done = await until(orderId, final);
    expect(done).toMatchObject({ status: 'EXPIRED', failureReason: 'The hold expired before payment' });
    expect(done.taskToken).toBeUndefined();
    await eventuallyEnded(orderId, 'SUCCEEDED');
    expect(await seatStatuses(eventId)).toMatchObject({ A3: 'AVAILABLE' });
    await expect(act(orderId, { action: 'pay', code: '11111' })).rejects.toThrow('Hold expired');
  });

  it('change seats: drops and adds seats under the original deadline; the same seats again renew nothing', async () => {
    const eventId = await newEvent();
    const created = await order(eventId, ['A4']);
    await until(created.orderId, waiting);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await act(created.orderId, { action: 'change', seatIds: ['A5', 'B5'] });
    const changed = await until(created.orderId, (o) => waiting(o) && o.seatIds.includes('A5'));
    expect(changed.seatIds).toEqual(['A5', 'B5']);
    expect(changed.holdExpiresAt).toBe(created.holdExpiresAt);
    expect(await seatStatuses(eventId)).toMatchObject({ A4: 'AVAILABLE', A5: 'HELD', B5: 'HELD' });
    const held = (await readSeats(stack.store, eventId, { consistent: true })).filter(
      (s) => s.orderId === created.orderId,
    );
    expect(held.map((s) => s.holdExpiresAt)).toEqual([created.holdExpiresAt, created.holdExpiresAt]);

    // Re-sending the same seats: the flow waits again, with nothing renewed.
    await act(created.orderId, { action: 'change', seatIds: ['B5', 'A5'] });
    const again = await until(created.orderId, (o) => waiting(o) && o.version > changed.version);
    expect(again.holdExpiresAt).toBe(created.holdExpiresAt);

    // A refused change keeps the order's seats and says why.
    await holdSeats(stack.store, {
      eventId,
      orderId: 'someone-else',
      seatIds: ['B4'],
      holdExpiresAt: Date.now() + 60_000,
    });
    await act(created.orderId, { action: 'change', seatIds: ['B4'] });
    const refused = await until(created.orderId, (o) => waiting(o) && o.lastChangeError !== undefined);
    expect(refused).toMatchObject({ seatIds: ['A5', 'B5'], lastChangeError: expect.stringContaining('B4') });
  });

  it('paying close to the end of the hold with a slow card: the seats stay held until the payment is done', async () => {
    const eventId = await newEvent(10);
    const created = await order(eventId, ['B4']);
    await until(created.orderId, waiting);
    // Pay with a few seconds left; attempt 1 answers after the task timeout (33333), attempt 2 is approved.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, created.holdExpiresAt - Date.now() - 5000)));
    await act(created.orderId, { action: 'pay', code: '33333' });
    // The hold's own end passes while the card is slow: the next buyer still cannot take the seat.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, created.holdExpiresAt - Date.now() + 500)));
    await expect(
      holdSeats(stack.store, { eventId, orderId: 'next-buyer', seatIds: ['B4'], holdExpiresAt: Date.now() + 60_000 }),
    ).rejects.toThrow('already taken');
    const done = await until(created.orderId, final);
    expect(done).toMatchObject({ status: 'CONFIRMED' });
    expect(await seatStatuses(eventId)).toMatchObject({ B4: 'SOLD' });
    expect((await ledger(created.orderId)).map((e) => e.outcome)).toEqual(['CHARGED']);
  });

  it('paying with too little of the hold left is refused clearly, before anything is charged', async () => {
    const eventId = await newEvent(10);
    const created = await order(eventId, ['A1']);
    await until(created.orderId, waiting);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, created.holdExpiresAt - Date.now() - 1500)));
    await expect(act(created.orderId, { action: 'pay', code: '11111' })).rejects.toMatchObject({
      code: 'TooLateToPay',
    });
    expect(await until(created.orderId, final)).toMatchObject({ status: 'EXPIRED' });
    expect(await ledger(created.orderId)).toEqual([]);
  });

  it('cancel: seats released, order CANCELLED', async () => {
    const eventId = await newEvent();
    const { orderId } = await order(eventId, ['B3']);
    await act(orderId, { action: 'cancel' });
    expect(await until(orderId, final)).toMatchObject({ status: 'CANCELLED' });
    await eventuallyEnded(orderId, 'SUCCEEDED');
    expect(await seatStatuses(eventId)).toMatchObject({ B3: 'AVAILABLE' });
  });

  it('paid but a seat was lost after the hold lapsed: refunded, order FAILED', async () => {
    const eventId = await newEvent();
    const { orderId } = await order(eventId, ['A1']);
    await act(orderId, { action: 'pay', code: '11111' });
    // While the processor works, the hold lapses and another buyer takes the seat.
    await stack.store.doc.send(
      new UpdateCommand({
        TableName: stack.tables.seats,
        Key: { eventId, seatId: 'A1' },
        UpdateExpression: 'SET holdExpiresAt = :past',
        ExpressionAttributeValues: { ':past': Date.now() - 1000 },
      }),
    );
    await holdSeats(stack.store, {
      eventId,
      orderId: 'the-other-buyer',
      seatIds: ['A1'],
      holdExpiresAt: Date.now() + 60_000,
    });

    const done = await until(orderId, final);
    expect(done).toMatchObject({ status: 'FAILED', failureReason: expect.stringContaining('Refunded: Seat A1 lost') });
    await eventuallyEnded(orderId, 'FAILED'); // the status is written first, the refund after
    expect((await ledger(orderId)).map((e) => e.outcome)).toEqual(['REFUNDED']);
    expect((await readSeats(stack.store, eventId, { consistent: true })).find((s) => s.seatId === 'A1')).toMatchObject({
      orderId: 'the-other-buyer',
    });
  });

  it('e-mail sender down: still CONFIRMED, with the e-mail recorded as failed', async () => {
    stack.configure({ EMAIL_FAILURE_RATE: '1' });
    try {
      const eventId = await newEvent();
      const { orderId } = await order(eventId, ['B1']);
      await act(orderId, { action: 'pay', code: '11111' });
      expect(await until(orderId, final)).toMatchObject({
        status: 'CONFIRMED',
        notifications: { email: 'failed', sms: 'sent' },
      });
      await eventuallyEnded(orderId, 'SUCCEEDED');
    } finally {
      stack.configure({ EMAIL_FAILURE_RATE: undefined });
    }
  });

  it('starting the same order twice makes one execution', async () => {
    const eventId = await newEvent();
    const first = await order(eventId, ['B2']);
    const arn = await stack.workflow.start({ orderId: first.orderId, eventId, hold: { waitSeconds: 42 } });
    expect(arn).toBe(`${stack.stateMachineArn.replace(':stateMachine:', ':execution:')}:${first.orderId}`);
    await execution(first.orderId); // exactly one
    await act(first.orderId, { action: 'cancel' });
    await until(first.orderId, final);
  });

  it('refuses another buyer, a malformed code, and a second click', async () => {
    const eventId = await newEvent();
    const { orderId } = await order(eventId, ['A2']);
    await expect(
      submitBuyerAction(stack.store, stack.workflow, { orderId, buyerId: 'intruder', action: { action: 'cancel' } }),
    ).rejects.toThrow('not your order');
    await expect(act(orderId, { action: 'pay', code: '12' })).rejects.toThrow('5 digits');
    await act(orderId, { action: 'pay', code: '11111' });
    await expect(act(orderId, { action: 'pay', code: '11111' })).rejects.toThrow('nothing to do now');
    expect(await until(orderId, final)).toMatchObject({ status: 'CONFIRMED' });
    expect((await ledger(orderId)).map((e) => e.outcome)).toEqual(['CHARGED']);
  });
});
