import { marshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  applySeatDeltas,
  newerOrder,
  parseLiveMessage,
  parseSubscribeRequest,
  type SeatDelta,
} from '../../contract/live-messages';
import { type Delivery, ordersIn, planBroadcast, recordsOfOrders } from '../../lambdas/core/live/broadcast';
import { firstSequenceNumber } from '../../lambdas/core/live/live-delivery';
import type { OrderRecord } from '../../lambdas/core/orders/order-record';
import type { SeatItem } from '../../lambdas/core/seats/seat-item';

const NOW = 1_800_000_000_000;
let sequence = 100;

function record(
  keys: Record<string, unknown>,
  image: object | undefined,
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE' = 'MODIFY',
): DynamoDBRecord {
  const toLambda = (value: object) =>
    marshall(value, { removeUndefinedValues: true }) as Record<string, AttributeValue>;
  return {
    eventName,
    eventSource: 'aws:dynamodb',
    dynamodb: {
      Keys: toLambda(keys),
      ...(image && { NewImage: toLambda(image) }),
      SequenceNumber: String(sequence++),
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}

function seat(eventId: string, seatId: string, version: number, change: Partial<SeatItem> = {}): DynamoDBRecord {
  const item: SeatItem = {
    eventId,
    seatId,
    rowIndex: 0,
    number: 1,
    status: 'AVAILABLE',
    version,
    updatedAt: NOW,
    ...change,
  };
  return record({ eventId, seatId }, item);
}

function order(orderId: string, buyerId: string, version: number, change: Partial<OrderRecord> = {}): DynamoDBRecord {
  const item: OrderRecord = {
    orderId,
    eventId: 'ev',
    buyerId,
    status: 'HOLDING',
    seatIds: ['A1'],
    holdExpiresAt: NOW + 60_000,
    amountCents: 4500,
    currency: 'EUR',
    payment: { status: 'idle', round: 0, attempt: 0 },
    taskToken: 'secret-task-token',
    executionArn: 'arn:secret',
    createdAt: NOW,
    updatedAt: NOW,
    version,
    ...change,
  };
  return record({ orderId }, item);
}

const orderMessages = (plan: Delivery[]) => plan.filter((d) => d.message.type === 'order');

describe('planBroadcast: coalescing a stream batch', () => {
  it('leaves seat changes to the live map (its tick builder sends them, once per tick)', () => {
    const held = { status: 'HELD' as const, orderId: 'ord-secret', holdExpiresAt: NOW + 60_000 };
    expect(planBroadcast([seat('ev', 'A1', 2, held), seat('ev', 'A2', 7)], NOW)).toEqual([]);
  });

  it('addresses order changes only to the order’s buyer, newest version, as the buyer’s view', () => {
    const plan = planBroadcast(
      [
        order('o1', 'buy_a', 1),
        order('o1', 'buy_a', 3, { status: 'PAYING' }),
        order('o1', 'buy_a', 2),
        order('o2', 'buy_b', 1),
      ],
      NOW,
    );
    const orders = orderMessages(plan);
    expect(orders.map((d) => d.audience)).toEqual([{ buyerId: 'buy_a' }, { buyerId: 'buy_b' }]);
    expect(orders[0]!.message).toMatchObject({ type: 'order', order: { orderId: 'o1', status: 'PAYING', version: 3 } });
    const text = JSON.stringify(plan.map((d) => d.message));
    expect(text).not.toContain('secret-task-token');
    expect(text).not.toContain('arn:secret');
    expect(text).not.toContain('buy_');
  });

  it('pushes no order write its buyer cannot see (the flow putting its task token on the order): no connection lookup for it', () => {
    const waiting = order('o1', 'buy_a', 2, { taskToken: 'next-token' });
    waiting.dynamodb!.OldImage = order('o1', 'buy_a', 1, { taskToken: undefined }).dynamodb!.NewImage!;
    const paying = order('o2', 'buy_b', 3, { status: 'PAYING', taskToken: undefined });
    paying.dynamodb!.OldImage = order('o2', 'buy_b', 2).dynamodb!.NewImage!;
    const plan = planBroadcast([waiting, paying], NOW);
    expect(orderMessages(plan).map((d) => d.audience)).toEqual([{ buyerId: 'buy_b' }]);
    expect(ordersIn([waiting, paying]).map((o) => o.orderId)).toEqual(['o2']);
  });

  it('ignores removals and records of other tables', () => {
    const removal = record({ eventId: 'ev', seatId: 'A1' }, undefined, 'REMOVE');
    const payment = record({ idempotencyKey: 'ord#1#1' }, { idempotencyKey: 'ord#1#1', outcome: 'CHARGED' });
    expect(planBroadcast([removal, payment], NOW)).toEqual([]);
  });
});

describe('firstSequenceNumber', () => {
  it('compares sequence numbers as integers, not strings', () => {
    expect(firstSequenceNumber(['900', '1000', '95'])).toBe('95');
    expect(firstSequenceNumber(['100000000000000000000000001', '99999999999999999999999999'])).toBe(
      '99999999999999999999999999',
    );
    expect(firstSequenceNumber([])).toBeUndefined();
  });
});

describe('live messages on the client', () => {
  const snapshot = [
    { seatId: 'A1', rowIndex: 0, number: 1, status: 'AVAILABLE' as const, version: 3 },
    { seatId: 'A2', rowIndex: 0, number: 2, status: 'HELD' as const, version: 5, holdExpiresAt: NOW },
  ];

  it('applies a delta only where its version is newer, keeping the other fields', () => {
    const deltas: SeatDelta[] = [
      { seatId: 'A1', status: 'HELD', version: 4, holdExpiresAt: NOW + 1 },
      { seatId: 'A2', status: 'AVAILABLE', version: 5 }, // same version: already applied
      { seatId: 'Z9', status: 'SOLD', version: 9 }, // not in the snapshot
    ];
    expect(applySeatDeltas(snapshot, deltas)).toEqual([
      { seatId: 'A1', rowIndex: 0, number: 1, status: 'HELD', version: 4, holdExpiresAt: NOW + 1 },
      snapshot[1],
    ]);
  });

  it('drops a hold’s expiry when the seat is released, and ignores stale or repeated deltas', () => {
    const released = applySeatDeltas(snapshot, [{ seatId: 'A2', status: 'AVAILABLE', version: 6 }]);
    expect(released[1]).toEqual({ seatId: 'A2', rowIndex: 0, number: 2, status: 'AVAILABLE', version: 6 });
    expect(applySeatDeltas(released, [{ seatId: 'A2', status: 'HELD', version: 5, holdExpiresAt: NOW }])).toBe(
      released,
    );
    expect(applySeatDeltas(snapshot, [])).toBe(snapshot);
  });

  it('takes the newest delta when one message names a seat twice', () => {
    const next = applySeatDeltas(snapshot, [
      { seatId: 'A1', status: 'SOLD', version: 8 },
      { seatId: 'A1', status: 'HELD', version: 7, holdExpiresAt: NOW },
    ]);
    expect(next[0]).toMatchObject({ status: 'SOLD', version: 8 });
  });

  it('keeps the order view with the highest version', () => {
    const older = { orderId: 'o', version: 2 } as Parameters<typeof newerOrder>[1];
    const newer = { orderId: 'o', version: 3 } as Parameters<typeof newerOrder>[1];
    expect(newerOrder(undefined, older)).toBe(older);
    expect(newerOrder(newer, older)).toBe(newer);
    expect(newerOrder(older, newer)).toBe(newer);
  });

  it('parses server messages and subscribe requests defensively', () => {
    expect(parseLiveMessage('{"type":"seats","eventId":"e","seats":[]}')).toEqual({
      type: 'seats',
      eventId: 'e',
      seats: [],
    });
    expect(parseLiveMessage('not json')).toBeUndefined();
    expect(parseLiveMessage('{"type":"other"}')).toBeUndefined();
    expect(parseSubscribeRequest('{"action":"subscribe","eventId":"ticketdrop-live"}')).toEqual({
      action: 'subscribe',
      eventId: 'ticketdrop-live',
    });
    expect(parseSubscribeRequest('{"action":"subscribe"}')).toBeUndefined();
    expect(parseSubscribeRequest('{"action":"subscribe","eventId":""}')).toBeUndefined();
    expect(parseSubscribeRequest(undefined)).toBeUndefined();
  });
});

describe('planBroadcast: waiting-room changes', () => {
  const waitingRoomItem = (version: number, servingPosition: number, active: Record<string, object> = {}) =>
    record(
      { eventId: 'ev' },
      { eventId: 'ev', servingPosition, active, admittedCount: servingPosition, version, updatedAt: NOW },
    );

  it('sends every viewer of the event the newest state of its queue, without who is in it', () => {
    const slot = { position: 7, admittedAt: NOW, until: NOW + 60_000, orderId: 'ord-secret' };
    const plan = planBroadcast(
      [waitingRoomItem(3, 5), waitingRoomItem(5, 7, { buy_secret: slot }), waitingRoomItem(4, 6)],
      NOW,
    );
    expect(plan).toEqual([
      {
        audience: { eventId: 'ev' },
        message: { type: 'queue', eventId: 'ev', servingPosition: 7, activePurchasers: 1, soldOut: false, version: 5 },
        sequenceNumbers: expect.any(Array),
      },
    ]);
    expect(JSON.stringify(plan)).not.toMatch(/buy_secret|ord-secret/);
    expect(parseLiveMessage(JSON.stringify(plan[0]!.message))).toEqual(plan[0]!.message);
  });
});

describe('live order pushes with tickets (read from their own items by the broadcaster)', () => {
  const paid = { status: 'succeeded' as const, round: 1, attempt: 1, chargeId: 'ch_1' };
  const ticket = {
    ticketId: 'tkt_a',
    eventId: 'ev',
    orderId: 'ord-t',
    seatId: 'A1',
    token: 'signed',
    state: 'VALID' as const,
    issuedAt: NOW,
  };

  it('lists the newest image of each order of the batch and the records of held-back orders', () => {
    const records = [
      order('ord-t', 'buyer-t', 1, { status: 'PAYING' }),
      seat('ev', 'A1', 3),
      order('ord-t', 'buyer-t', 2, { status: 'CONFIRMED', payment: paid }),
      order('ord-u', 'buyer-u', 1),
    ];
    expect(ordersIn(records).map((o) => [o.orderId, o.version])).toEqual([
      ['ord-t', 2],
      ['ord-u', 1],
    ]);
    expect(recordsOfOrders(records, new Set(['ord-t']))).toEqual([
      records[0]!.dynamodb!.SequenceNumber,
      records[2]!.dynamodb!.SequenceNumber,
    ]);
  });

  it('pushes a confirmed order with its tickets (id, seat, token, state) and holds back one whose tickets could not be read', () => {
    const records = [
      order('ord-t', 'buyer-t', 2, { status: 'CONFIRMED', payment: paid }),
      order('ord-u', 'buyer-u', 5, { status: 'CONFIRMED', payment: paid }),
    ];
    const plan = planBroadcast(records, NOW, {
      byOrder: new Map([['ord-t', [ticket]]]),
      heldBack: new Set(['ord-u']),
    });
    expect(orderMessages(plan).map((d) => d.message)).toEqual([
      {
        type: 'order',
        order: expect.objectContaining({
          orderId: 'ord-t',
          tickets: [{ ticketId: 'tkt_a', seatId: 'A1', token: 'signed', state: 'VALID' }],
        }),
      },
    ]);
  });
});
