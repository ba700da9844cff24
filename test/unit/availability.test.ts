import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { errorResponse } from '../../lambdas/api/http';
import type { EventRecord } from '../../lambdas/core/events/event-records';
import { openOrder } from '../../lambdas/core/orders/open-order';
import type { OrderWorkflow } from '../../lambdas/core/orders/order-workflow';
import { SoldOut } from '../../lambdas/core/platform/errors';
import { AVAILABILITY_PREFIX, availabilityChanges } from '../../lambdas/core/seats/availability';
import { AVAILABILITY_MEMO_MS } from '../../lambdas/core/seats/seats-left';
import { mockedStore } from '../support/sdk-mock';

const EVENT: EventRecord = {
  eventId: 'ev',
  name: 'Drop',
  rows: 2,
  seatsPerRow: 5,
  priceCents: 1000,
  currency: 'EUR',
  holdSeconds: 60,
  maxSeatsPerOrder: 4,
  status: 'ON_SALE',
  seatCount: 10,
  createdAt: 0,
};

const workflow: OrderWorkflow = {
  start: async () => {
    throw new Error('no flow may start for a loser');
  },
  resume: async () => undefined,
  isRunning: async () => false,
};

/** The summary as DynamoDB returns it: one item per row, `free` a string set (absent when empty). */
function summaryItems(free: readonly (readonly string[])[]) {
  return free.map((ids, rowIndex) => ({
    eventId: 'ev',
    buyerId: `${AVAILABILITY_PREFIX}${rowIndex}`,
    rowIndex,
    ...(ids.length > 0 ? { free: new Set(ids) } : {}),
  }));
}

describe('losers are cheap: SoldOut from the event and the availability summary', () => {
  it('sold out: two reads (event, summary), no pointer claim, no seat-map query, no write', async () => {
    const { doc, store } = mockedStore();
    doc.on(GetCommand).resolves({ Item: EVENT });
    doc.on(QueryCommand).resolves({ Items: summaryItems([[], []]) });
    const refusal = await openOrder(store, workflow, {
      eventId: 'ev',
      buyerId: 'buyer-1',
      selection: { quantity: 1 },
    }).catch((e: unknown) => e);

    expect(refusal).toBeInstanceOf(SoldOut);
    expect(refusal).toMatchObject({ requested: 1, available: 0 });
    const calls = doc.calls().map((c) => c.args[0]);
    expect(calls).toHaveLength(2);
    expect(calls[0]).toBeInstanceOf(GetCommand);
    expect(calls[0]!.input).toMatchObject({ TableName: store.tables.events });
    expect(calls[1]).toBeInstanceOf(QueryCommand);
    expect(calls[1]!.input).toMatchObject({ TableName: store.tables.buyers });
    expect(doc.commandCalls(QueryCommand, { TableName: store.tables.seats })).toHaveLength(0);
    expect(doc.commandCalls(UpdateCommand)).toHaveLength(0); // the open-order claim is an UpdateItem
    expect(doc.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('asking for more than are left answers how many are (seatsLeft), still from two reads', async () => {
    const { doc, store } = mockedStore();
    doc.on(GetCommand).resolves({ Item: EVENT });
    doc.on(QueryCommand).resolves({ Items: summaryItems([['A2'], ['B4']]) });
    const refusal = await openOrder(store, workflow, {
      eventId: 'ev',
      buyerId: 'buyer-1',
      selection: { quantity: 3 },
    }).catch((e: unknown) => e);

    expect(refusal).toMatchObject({ code: 'SoldOut', requested: 3, available: 2 });
    expect(doc.calls()).toHaveLength(2);
    const response = errorResponse(refusal);
    expect(response.statusCode).toBe(409);
    expect(JSON.parse(String(response.body))).toMatchObject({ error: { code: 'SoldOut', seatsLeft: 2 } });
  });
});

/** A seats-stream record as Lambda delivers it. */
function seatRecord(
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  seat: { seatId: string; status: string; version: number; eventId?: string },
): DynamoDBRecord {
  const [, row = 'A', number = '1'] = /^([A-Z]+)(\d+)$/.exec(seat.seatId) ?? [];
  const image = marshall({
    eventId: seat.eventId ?? 'ev',
    seatId: seat.seatId,
    rowIndex: row.charCodeAt(0) - 65,
    number: Number(number),
    status: seat.status,
    version: seat.version,
  }) as NonNullable<DynamoDBRecord['dynamodb']>['NewImage'];
  return {
    eventName,
    dynamodb: eventName === 'REMOVE' ? { OldImage: image } : { NewImage: image },
  };
}

describe('the availability summary, derived from the seats stream', () => {
  it('per seat its newest image decides (highest version), grouped by event and row', () => {
    const changes = availabilityChanges([
      seatRecord('MODIFY', { seatId: 'A1', status: 'HELD', version: 2 }),
      seatRecord('MODIFY', { seatId: 'A1', status: 'AVAILABLE', version: 3 }),
      seatRecord('MODIFY', { seatId: 'A2', status: 'HELD', version: 5 }),
      seatRecord('MODIFY', { seatId: 'A2', status: 'AVAILABLE', version: 4 }), // older, listed later
      seatRecord('MODIFY', { seatId: 'B1', status: 'SOLD', version: 3 }),
      seatRecord('REMOVE', { seatId: 'B2', status: 'AVAILABLE', version: 1 }),
      seatRecord('INSERT', { seatId: 'A1', status: 'AVAILABLE', version: 1, eventId: 'other' }),
    ]);
    const sorted = changes
      .map((c) => ({ ...c, free: [...c.free].sort(), taken: [...c.taken].sort() }))
      .sort((a, b) => a.eventId.localeCompare(b.eventId) || a.rowIndex - b.rowIndex);
    expect(sorted).toEqual([
      { eventId: 'ev', rowIndex: 0, free: ['A1'], taken: ['A2'] },
      { eventId: 'ev', rowIndex: 1, free: [], taken: ['B1', 'B2'] },
      { eventId: 'other', rowIndex: 0, free: ['A1'], taken: [] },
    ]);
  });

  it('a seat the batch leaves as free or as taken as it found it changes nothing (HELD → SOLD: no write)', () => {
    const change = (old: string, now: string, version: number, seatId = 'A1'): DynamoDBRecord => {
      const record = seatRecord('MODIFY', { seatId, status: now, version });
      const before = seatRecord('MODIFY', { seatId, status: old, version: version - 1 });
      return { ...record, dynamodb: { ...record.dynamodb, OldImage: before.dynamodb?.NewImage } };
    };
    expect(availabilityChanges([change('HELD', 'SOLD', 3)])).toEqual([]); // the second write of every sale
    expect(availabilityChanges([change('AVAILABLE', 'AVAILABLE', 2)])).toEqual([]);
    // Free → held → sold in one batch: taken (its oldest record found it free).
    expect(availabilityChanges([change('HELD', 'SOLD', 3), change('AVAILABLE', 'HELD', 2)])).toEqual([
      { eventId: 'ev', rowIndex: 0, free: [], taken: ['A1'] },
    ]);
    // Held → free → held again: as it found it, nothing.
    expect(availabilityChanges([change('HELD', 'AVAILABLE', 4), change('AVAILABLE', 'HELD', 5)])).toEqual([]);
    expect(availabilityChanges([change('SOLD', 'AVAILABLE', 6)])).toEqual([
      { eventId: 'ev', rowIndex: 0, free: ['A1'], taken: [] },
    ]);
  });

  it('a replayed batch gives the same changes (set ADD/DELETE are idempotent)', () => {
    const batch = [
      seatRecord('MODIFY', { seatId: 'C3', status: 'HELD', version: 2 }),
      seatRecord('MODIFY', { seatId: 'C4', status: 'AVAILABLE', version: 7 }),
    ];
    expect(availabilityChanges([...batch, ...batch])).toEqual(availabilityChanges(batch));
  });
});

describe('losers are cheapest of all: the event and the summary this container read a moment ago cost no read', () => {
  const loser = (store: ReturnType<typeof mockedStore>['store'], buyerId: string, quantity = 1) =>
    openOrder(store, workflow, { eventId: 'ev', buyerId, selection: { quantity } }).catch((e: unknown) => e);

  it('the next loser within the memo time: SoldOut with the seats left, zero requests', async () => {
    let now = 1_000_000;
    const { doc, store } = mockedStore({ now: () => now });
    doc.on(GetCommand).resolves({ Item: EVENT });
    doc.on(QueryCommand).resolves({ Items: summaryItems([['A2'], []]) });
    expect(await loser(store, 'buyer-1', 2)).toMatchObject({ code: 'SoldOut', requested: 2, available: 1 });
    expect(doc.calls()).toHaveLength(2);

    now += AVAILABILITY_MEMO_MS - 1;
    expect(await loser(store, 'buyer-2', 3)).toMatchObject({ code: 'SoldOut', requested: 3, available: 1 });
    expect(doc.calls()).toHaveLength(2); // nothing read for buyer-2
  });

  it('bad input is still refused as bad input, not as sold out', async () => {
    const { doc, store } = mockedStore();
    doc.on(GetCommand).resolves({ Item: EVENT });
    doc.on(QueryCommand).resolves({ Items: summaryItems([[], []]) });
    await loser(store, 'buyer-1');
    expect(await loser(store, 'buyer-2', 99)).toMatchObject({ code: 'ValidationFailed' });
    expect(doc.calls()).toHaveLength(2);
  });

  it('within the second a request the seats left could fill reads nothing either; after it both are read afresh', async () => {
    let now = 1_000_000;
    const { doc, store } = mockedStore({ now: () => now });
    doc.on(GetCommand).resolves({ Item: EVENT });
    doc.on(QueryCommand).resolves({ Items: summaryItems([['A2'], []]) });
    await loser(store, 'buyer-1', 2);
    expect(doc.calls()).toHaveLength(2);

    // One seat left is enough for one: not refused (it goes on to claim and hold), from the same two reads.
    doc.on(UpdateCommand).rejects(new Error('stop after the reads'));
    await loser(store, 'buyer-2', 1);
    expect(doc.commandCalls(GetCommand, { TableName: store.tables.events })).toHaveLength(1);
    expect(doc.commandCalls(QueryCommand, { TableName: store.tables.buyers })).toHaveLength(1);

    now += AVAILABILITY_MEMO_MS;
    await loser(store, 'buyer-3', 2);
    expect(doc.commandCalls(GetCommand, { TableName: store.tables.events })).toHaveLength(2);
    expect(doc.commandCalls(QueryCommand, { TableName: store.tables.buyers })).toHaveLength(2);
  });
});
