import { marshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { OrderRecord, OrderStatus } from '../../lambdas/core/orders/order-record';
import { endedOrders } from '../../lambdas/core/waiting-room/slot-release';

/** Which orders of an orders-stream batch just ended (their waiting-room slot is then freed). */

const toImage = (value: object) => marshall(value, { removeUndefinedValues: true }) as Record<string, AttributeValue>;

function order(orderId: string, status: OrderStatus, change: Partial<OrderRecord> = {}): OrderRecord {
  return {
    orderId,
    eventId: 'ev',
    buyerId: `buyer-of-${orderId}`,
    status,
    seatIds: ['A1'],
    holdExpiresAt: 1,
    amountCents: 100,
    currency: 'EUR',
    payment: { status: 'idle', round: 0, attempt: 0 },
    createdAt: 1,
    updatedAt: 1,
    version: 1,
    ...change,
  };
}

/** A MODIFY (or INSERT without `before`) record of the orders table. */
function change(after: OrderRecord | undefined, before?: OrderStatus): DynamoDBRecord {
  return {
    eventName: after ? (before ? 'MODIFY' : 'INSERT') : 'REMOVE',
    dynamodb: {
      ...(after && { Keys: toImage({ orderId: after.orderId }), NewImage: toImage(after) }),
      ...(before && { OldImage: toImage(order(after?.orderId ?? 'x', before)) }),
    },
  };
}

describe('ended orders in an orders-stream batch', () => {
  it('reports each order that moved into a final status, with whether its seats went back on sale', () => {
    const ended = endedOrders([
      change(order('o-confirmed', 'CONFIRMED'), 'PAYING'),
      change(order('o-expired', 'EXPIRED'), 'HOLDING'),
      change(order('o-cancelled', 'CANCELLED'), 'HOLDING'),
      change(order('o-failed', 'FAILED'), 'PAYING'),
    ]);
    expect(ended).toEqual([
      { orderId: 'o-confirmed', eventId: 'ev', buyerId: 'buyer-of-o-confirmed', seatsFreed: false },
      { orderId: 'o-expired', eventId: 'ev', buyerId: 'buyer-of-o-expired', seatsFreed: true },
      { orderId: 'o-cancelled', eventId: 'ev', buyerId: 'buyer-of-o-cancelled', seatsFreed: true },
      { orderId: 'o-failed', eventId: 'ev', buyerId: 'buyer-of-o-failed', seatsFreed: true },
    ]);
  });

  it('ignores orders still open, and writes to an order that had already ended (tickets, voids, refunds)', () => {
    expect(
      endedOrders([
        change(order('o-open', 'HOLDING')),
        change(order('o-paying', 'PAYING'), 'HOLDING'),
        change(order('o-done', 'CONFIRMED', { version: 5 }), 'CONFIRMED'),
        change(order('o-voided', 'CANCELLED'), 'CONFIRMED'),
      ]),
    ).toEqual([]);
  });

  it('counts an order written final at once (no old image) as ended', () => {
    expect(endedOrders([change(order('o-new', 'FAILED'))])).toEqual([
      { orderId: 'o-new', eventId: 'ev', buyerId: 'buyer-of-o-new', seatsFreed: true },
    ]);
  });

  it('skips removals, and reports an order once however many of its records the batch carries', () => {
    const ended = endedOrders([
      change(undefined, 'HOLDING'),
      change(order('o-1', 'EXPIRED', { version: 2 }), 'HOLDING'),
      change(order('o-1', 'EXPIRED', { version: 2 }), 'HOLDING'),
    ]);
    expect(ended.map((e) => e.orderId)).toEqual(['o-1']);
  });
});
