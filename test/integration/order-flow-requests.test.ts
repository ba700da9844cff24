import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEvent } from '../../lambdas/core/events/create-event';
import { submitBuyerAction } from '../../lambdas/core/orders/buyer-action';
import { createOrder } from '../../lambdas/core/orders/create-order';
import { openOrder } from '../../lambdas/core/orders/open-order';
import { getOrder } from '../../lambdas/core/orders/order-store';
import type { FlowResumption, OrderWorkflow, PaidOrder } from '../../lambdas/core/orders/order-workflow';
import { completeOrder, confirmOrderSeats, issueTickets } from '../../lambdas/core/orders/steps/fulfilment-steps';
import { awaitBuyer } from '../../lambdas/core/orders/steps/hold-steps';
import { chargePayment } from '../../lambdas/core/orders/steps/payment-steps';
import { SimulatedProcessor } from '../../lambdas/core/payments/simulated-processor';
import { createStore, type Store } from '../../lambdas/core/platform/store';
import { ticketsOfOrder } from '../../lambdas/core/tickets/ticket-store';
import { useTestTables } from '../support/local-dynamo';

/**
 * Issue #13: what a happy order costs in DynamoDB requests on the order item, counted at the SDK
 * on DynamoDB Local with the real steps. The pay request hands the order to the flow
 * (`PaidOrder` on the resume), so the steps after it do not read the order again — only the read
 * that decides something stays (IssueTickets' consistent check that the order did not end while
 * its tickets were written) — and nothing writes the execution ARN or the attempt count on it.
 */
describe('order-flow requests on the order item (happy one-seat order)', () => {
  let store: Store;
  let requests: string[];
  const resumed: FlowResumption[] = [];
  const workflow: OrderWorkflow = {
    start: async (input) => `arn:test:execution:${input.orderId}`,
    resume: async (_token, action) => {
      resumed.push(action);
    },
    isRunning: async () => true,
  };
  const processor = () =>
    new SimulatedProcessor(store, { declineRate: 0, latencyMs: 0, slowRate: 0, slowLatencyMs: 0, lostAnswerRate: 0 });

  beforeAll(async () => {
    const { client, tables } = await useTestTables();
    const plain = createStore(client, tables);
    requests = [];
    // Every request the store sends, as "<Operation> <table>" (tables by their id, e.g. orders).
    const tableIds = new Map(Object.entries(tables).map(([id, name]) => [name, id]));
    const doc = new Proxy(plain.doc, {
      get(target, property, receiver) {
        if (property !== 'send') return Reflect.get(target, property, receiver);
        return (command: { constructor: { name: string }; input: { TableName?: string } }) => {
          const table = tableIds.get(command.input.TableName ?? '') ?? 'batch';
          requests.push(`${command.constructor.name.replace(/Command$/, '')} ${table}`);
          return target.send(command as Parameters<DynamoDBDocumentClient['send']>[0]);
        };
      },
    });
    store = { ...plain, doc };
    await createEvent(store, { eventId: 'flow-requests', name: 'Requests', rows: 2, seatsPerRow: 4, priceCents: 1500 });
  });

  const onOrders = () => requests.filter((r) => r.endsWith(' orders'));
  async function counted<T>(run: () => Promise<T>): Promise<{ value: T; orders: string[] }> {
    requests.length = 0;
    const value = await run();
    return { value, orders: onOrders() };
  }

  it('create writes the order once; the pay request hands the order to the flow; the steps read it once', async () => {
    const created = await counted(() =>
      createOrder(store, workflow, { eventId: 'flow-requests', buyerId: 'b1', selection: { seatIds: ['A1'] } }),
    );
    expect(created.orders).toEqual(['Put orders']); // no execution ARN written back after the start
    const orderId = created.value.orderId;

    await awaitBuyer(store, { orderId, taskToken: 'token-1' });
    await counted(() =>
      submitBuyerAction(store, workflow, { orderId, buyerId: 'b1', action: { action: 'pay', code: '11111' } }),
    );
    // The hold (the event's default, minutes) outlasts the payment window: no seat is rewritten.
    expect(requests.filter((r) => r.endsWith(' seats'))).toEqual([]);
    const resumption = resumed.at(-1);
    expect(resumption).toMatchObject({
      action: 'pay',
      code: '11111',
      order: { eventId: 'flow-requests', buyerId: 'b1', seatIds: ['A1'], currency: 'EUR' },
    });
    const paid = (resumption as { order: PaidOrder }).order;
    expect(paid.intent).toEqual({ key: `${orderId}#1`, amountCents: 1500, round: 1 });
    expect(JSON.stringify(resumption)).not.toContain('token'); // no task token in the flow's state

    const charged = await counted(() => chargePayment(store, processor(), { orderId, code: '11111', paid }));
    expect(charged.orders).toEqual([]); // the charge goes on in the flow's state: no read, no write
    expect((await counted(() => confirmOrderSeats(store, { orderId, paid }))).orders).toEqual([]);
    expect((await counted(() => issueTickets(store, 'key-0123456789', { orderId, paid }))).orders).toEqual([
      'Get orders', // did the order end while its tickets were written? (decides: void them)
    ]);
    const completed = await counted(() =>
      completeOrder(store, processor(), { orderId, notifications: [], charge: charged.value, paid }),
    );
    expect(completed.orders).toEqual(['Update orders']); // CONFIRMED and the charge, one conditional write
    expect(requests.filter((r) => r.endsWith(' payments'))).toEqual([]); // one round: no other key to look up

    const order = await getOrder(store, orderId);
    expect(order).toMatchObject({
      status: 'CONFIRMED',
      payment: { chargeId: charged.value.chargeId, status: 'succeeded' },
    });
    expect((await ticketsOfOrder(store, order)).map((t) => [t.seatId, t.state])).toEqual([['A1', 'VALID']]);
  });

  it('an order is never confirmed without a charge: no charge carried and none recorded refuses', async () => {
    const { orderId } = await createOrder(store, workflow, {
      eventId: 'flow-requests',
      buyerId: 'b3',
      selection: { seatIds: ['B1'] },
    });
    await awaitBuyer(store, { orderId, taskToken: 'token-3' });
    await submitBuyerAction(store, workflow, { orderId, buyerId: 'b3', action: { action: 'pay', code: '11111' } });
    const paid = (resumed.at(-1) as { order: PaidOrder }).order;
    await expect(completeOrder(store, processor(), { orderId, notifications: [] })).rejects.toThrow(/PAYING|state/i);
    // Another pay request's charge (not this intent's) is not kept either.
    await expect(
      completeOrder(store, processor(), {
        orderId,
        notifications: [],
        charge: { chargeId: 'ch_other' },
        paid: { ...paid, intent: { ...paid.intent, key: `${orderId}#9` } },
      }),
    ).rejects.toThrow(/PAYING|state/i);
    expect(await getOrder(store, orderId)).toMatchObject({ status: 'PAYING' });
  });

  it('a buyer’s first create claims the open-order pointer with one write and no read; a second create is answered from the refusal', async () => {
    const request = { eventId: 'flow-requests', buyerId: 'b2', selection: { quantity: 1 } };
    const first = await counted(() => openOrder(store, workflow, request));
    expect(first.value.created).toBe(true);
    const pointerRequests = () => requests.filter((r) => /^(Get|Update) buyers$/.test(r));
    expect(pointerRequests()).toEqual(['Update buyers']); // the claim; the pointer was never read
    const again = await counted(() => openOrder(store, workflow, request));
    expect(again.value).toMatchObject({ created: false, order: { orderId: first.value.order.orderId } });
    expect(pointerRequests()).toEqual(['Update buyers']); // refused, naming the open order: no read either
  });
});
