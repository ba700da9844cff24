import {
  ConditionalCheckFailedException,
  InternalServerError,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import type { OrderRecord } from '../../lambdas/core/orders/order-record';
import { putNewOrder, updateOrder } from '../../lambdas/core/orders/order-store';
import { DomainError, OrderNotFound, OrderStateConflict } from '../../lambdas/core/platform/errors';
import { awsFault, mockedStore, NOW } from '../support/sdk-mock';

/**
 * Order writes under SDK faults: only a failed condition is a state conflict (or "already
 * written"); a throttle or a server error is a fault the caller retries, never a refusal.
 */

const { doc, store } = mockedStore();
afterEach(() => doc.reset());

const order = {
  orderId: 'order-1',
  eventId: 'ev-1',
  buyerId: 'buyer-1',
  status: 'HOLDING',
  seatIds: ['A-1'],
  holdExpiresAt: NOW + 60_000,
  amountCents: 5000,
  currency: 'EUR',
  payment: { status: 'none', round: 0 },
  createdAt: NOW,
  updatedAt: NOW,
  version: 1,
} as unknown as OrderRecord;

const throttle = () => new ProvisionedThroughputExceededException({ message: 'Rate exceeded', ...awsFault() });
const failedCondition = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', ...awsFault() });

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('putNewOrder', () => {
  it('a failed condition (written before, e.g. a retry) answers the order already there, read consistently', async () => {
    const existing = { ...order, status: 'PAYING' };
    doc.on(PutCommand).rejects(failedCondition());
    doc.on(GetCommand).resolves({ Item: existing });
    expect(await putNewOrder(store, order)).toEqual(existing);
    expect(doc.commandCalls(GetCommand)[0]!.args[0].input.ConsistentRead).toBe(true);
  });

  it('a throttle propagates as itself, without a read that could pass for "already written"', async () => {
    const error = throttle();
    doc.on(PutCommand).rejects(error);
    expect(await rejection(putNewOrder(store, order))).toBe(error);
    expect(doc.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('an InternalServerError propagates as itself', async () => {
    const error = new InternalServerError({ message: 'Internal server error', $metadata: { httpStatusCode: 500 } });
    doc.on(PutCommand).rejects(error);
    expect(await rejection(putNewOrder(store, order))).toBe(error);
  });
});

describe('updateOrder', () => {
  const pay = { set: { status: 'PAYING' }, from: ['HOLDING'] as const };

  it('returns the order as the update left it', async () => {
    doc.on(UpdateCommand).resolves({ Attributes: { ...order, status: 'PAYING', version: 2 } });
    expect((await updateOrder(store, 'order-1', pay)).status).toBe('PAYING');
    const input = doc.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(input.ConditionExpression).toContain('#status IN (:from0)');
    expect(input.ExpressionAttributeValues![':from0']).toBe('HOLDING');
  });

  it('a failed condition on an order in another status is OrderStateConflict', async () => {
    doc.on(UpdateCommand).rejects(failedCondition());
    doc.on(GetCommand).resolves({ Item: { ...order, status: 'EXPIRED' } });
    expect(await rejection(updateOrder(store, 'order-1', pay))).toBeInstanceOf(OrderStateConflict);
  });

  it('a failed condition on no order at all is OrderNotFound', async () => {
    doc.on(UpdateCommand).rejects(failedCondition());
    doc.on(GetCommand).resolves({});
    expect(await rejection(updateOrder(store, 'order-1', pay))).toBeInstanceOf(OrderNotFound);
  });

  it('a throttle propagates as itself: never OrderStateConflict (which would end a pay request as refused)', async () => {
    const error = throttle();
    doc.on(UpdateCommand).rejects(error);
    const thrown = await rejection(updateOrder(store, 'order-1', pay));
    expect(thrown).toBe(error);
    expect(thrown).not.toBeInstanceOf(DomainError);
    expect(doc.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('a throttle on the read after a failed condition propagates too, not as a conflict', async () => {
    const error = throttle();
    doc.on(UpdateCommand).rejects(failedCondition());
    doc.on(GetCommand).rejects(error);
    expect(await rejection(updateOrder(store, 'order-1', pay))).toBe(error);
  });

  it('an InternalServerError propagates as itself', async () => {
    const error = new InternalServerError({ message: 'Internal server error', $metadata: { httpStatusCode: 500 } });
    doc.on(UpdateCommand).rejects(error);
    expect(await rejection(updateOrder(store, 'order-1', pay))).toBe(error);
  });
});
