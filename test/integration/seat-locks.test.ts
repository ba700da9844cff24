import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEvent } from '../../lambdas/core/events/create-event';
import type { EventRecord } from '../../lambdas/core/events/event-records';
import {
  AlreadyConfirmed,
  HoldExpired,
  InvalidSeat,
  NotYourOrder,
  SeatsTaken,
  SoldOut,
  ValidationFailed,
} from '../../lambdas/core/platform/errors';
import { createStore, type Store } from '../../lambdas/core/platform/store';
import { changeOrderSeats, holdForOrder } from '../../lambdas/core/seats/order-holds';
import type { SeatItem } from '../../lambdas/core/seats/seat-item';
import { changeHeldSeats, confirmSeats, holdSeats, releaseSeats } from '../../lambdas/core/seats/seat-locks';
import { useTestTables } from '../support/local-dynamo';

/** Real DynamoDB Local, real SDK; a hand-moved clock ages holds without sleeping. */
describe('per-seat locks on DynamoDB Local', () => {
  const clock = { now: Date.UTC(2026, 10, 22, 20, 0, 0) };
  let store: Store;
  let eventSeq = 0;

  beforeAll(async () => {
    const { client, tables } = await useTestTables();
    store = createStore(client, tables, { now: () => clock.now });
  });

  async function newEvent(overrides: Record<string, unknown> = {}): Promise<EventRecord> {
    eventSeq += 1;
    return createEvent(store, {
      eventId: `locks-${eventSeq}`,
      name: 'Locks',
      rows: 5,
      seatsPerRow: 6,
      priceCents: 1000,
      holdSeconds: 60,
      ...overrides,
    });
  }

  async function seat(eventId: string, seatId: string): Promise<SeatItem> {
    const result = await store.doc.send(
      new GetCommand({ TableName: store.tables.seats, Key: { eventId, seatId }, ConsistentRead: true }),
    );
    return result.Item as SeatItem;
  }

  const later = (seconds: number) => clock.now + seconds * 1000;

  it('creates an ON_SALE event with every seat available at version 1', async () => {
    const event = await newEvent();
    expect(event).toMatchObject({ status: 'ON_SALE', seatCount: 30 });
    expect(await seat(event.eventId, 'E6')).toMatchObject({ status: 'AVAILABLE', version: 1, rowIndex: 4, number: 6 });
  });

  it('holds a seat for one order and refuses it to another', async () => {
    const { eventId } = await newEvent();
    await holdSeats(store, { eventId, orderId: 'o1', seatIds: ['A1'], holdExpiresAt: later(60) });
    const refusal = holdSeats(store, { eventId, orderId: 'o2', seatIds: ['A1'], holdExpiresAt: later(60) });
    await expect(refusal).rejects.toThrow(SeatsTaken);
    await expect(refusal).rejects.toMatchObject({ seatIds: ['A1'] });
    // The same order asking again (a retried request) succeeds and keeps the seat.
    await holdSeats(store, { eventId, orderId: 'o1', seatIds: ['A1'], holdExpiresAt: later(90) });
    expect(await seat(eventId, 'A1')).toMatchObject({
      status: 'HELD',
      orderId: 'o1',
      holdExpiresAt: later(90),
      version: 3,
    });
  });

  it('lets another order take a seat whose hold has expired, even if nothing released it', async () => {
    const { eventId } = await newEvent();
    await holdSeats(store, { eventId, orderId: 'o1', seatIds: ['B2'], holdExpiresAt: later(60) });
    clock.now += 61_000;
    await holdSeats(store, { eventId, orderId: 'o2', seatIds: ['B2'], holdExpiresAt: later(60) });
    expect(await seat(eventId, 'B2')).toMatchObject({ status: 'HELD', orderId: 'o2' });
    // The first order lost it: it can neither confirm nor release it any more.
    await expect(confirmSeats(store, { eventId, orderId: 'o1', seatIds: ['B2'] })).rejects.toThrow(NotYourOrder);
    await expect(releaseSeats(store, { eventId, orderId: 'o1', seatIds: ['B2'] })).rejects.toThrow(NotYourOrder);
  });

  it('refuses release and confirm by an order that does not hold the seat', async () => {
    const { eventId } = await newEvent();
    await holdSeats(store, { eventId, orderId: 'owner', seatIds: ['C3', 'C4'], holdExpiresAt: later(60) });
    await expect(releaseSeats(store, { eventId, orderId: 'intruder', seatIds: ['C3'] })).rejects.toThrow(NotYourOrder);
    await expect(confirmSeats(store, { eventId, orderId: 'intruder', seatIds: ['C3', 'C4'] })).rejects.toMatchObject({
      code: 'NotYourOrder',
      seatIds: expect.arrayContaining(['C3']),
    });
    // A free seat was never held by the caller: its "hold" is gone.
    await expect(releaseSeats(store, { eventId, orderId: 'intruder', seatIds: ['D1'] })).rejects.toThrow(HoldExpired);
    expect(await seat(eventId, 'C3')).toMatchObject({ status: 'HELD', orderId: 'owner', version: 2 });
  });

  it('holds several seats all or nothing and names the taken seat', async () => {
    const { eventId } = await newEvent();
    await holdSeats(store, { eventId, orderId: 'first', seatIds: ['A3'], holdExpiresAt: later(60) });
    const attempt = holdSeats(store, {
      eventId,
      orderId: 'second',
      seatIds: ['A2', 'A3', 'A4'],
      holdExpiresAt: later(60),
    });
    await expect(attempt).rejects.toThrow(SeatsTaken);
    await expect(attempt).rejects.toMatchObject({ seatIds: ['A3'] });
    for (const id of ['A2', 'A4']) expect(await seat(eventId, id)).toMatchObject({ status: 'AVAILABLE', version: 1 });
  });

  it('refuses seats that are not on the map', async () => {
    const event = await newEvent();
    await expect(
      holdSeats(store, { eventId: event.eventId, orderId: 'o', seatIds: ['Z9'], holdExpiresAt: later(60) }),
    ).rejects.toThrow(InvalidSeat);
    await expect(holdForOrder(store, event, 'o', { seatIds: ['A1', 'A9'] })).rejects.toMatchObject({
      code: 'InvalidSeat',
      seatIds: ['A9'],
    });
    await expect(holdForOrder(store, event, 'o', { seatIds: ['A1', 'A1'] })).rejects.toThrow(ValidationFailed);
    await expect(
      holdForOrder(store, event, 'o', { seatIds: ['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'B1'] }),
    ).rejects.toThrow(ValidationFailed);
    expect(await seat(event.eventId, 'A1')).toMatchObject({ status: 'AVAILABLE' });
  });

  it('confirms held seats, idempotently, and never lets them go again', async () => {
    const { eventId } = await newEvent();
    await holdSeats(store, { eventId, orderId: 'buyer', seatIds: ['D1', 'D2'], holdExpiresAt: later(60) });
    await confirmSeats(store, { eventId, orderId: 'buyer', seatIds: ['D1', 'D2'] });
    await confirmSeats(store, { eventId, orderId: 'buyer', seatIds: ['D1', 'D2'] }); // retried step
    expect(await seat(eventId, 'D1')).toMatchObject({ status: 'SOLD', orderId: 'buyer', version: 3 });
    await expect(releaseSeats(store, { eventId, orderId: 'buyer', seatIds: ['D1'] })).rejects.toThrow(AlreadyConfirmed);
    clock.now += 3600_000; // sold seats never expire
    await expect(
      holdSeats(store, { eventId, orderId: 'late', seatIds: ['D2'], holdExpiresAt: later(60) }),
    ).rejects.toThrow(SeatsTaken);
  });

  it('confirms a lapsed hold nobody took, and reports a released one as expired', async () => {
    const { eventId } = await newEvent();
    await holdSeats(store, { eventId, orderId: 'slow', seatIds: ['E1'], holdExpiresAt: later(60) });
    await holdSeats(store, { eventId, orderId: 'slower', seatIds: ['E2'], holdExpiresAt: later(60) });
    clock.now += 120_000;
    await confirmSeats(store, { eventId, orderId: 'slow', seatIds: ['E1'] });
    await releaseSeats(store, { eventId, orderId: 'slower', seatIds: ['E2'] }); // e.g. the expiry step
    await expect(confirmSeats(store, { eventId, orderId: 'slower', seatIds: ['E2'] })).rejects.toThrow(HoldExpired);
    expect(await seat(eventId, 'E2')).toMatchObject({ status: 'AVAILABLE', version: 3 });
  });

  it('changes held seats in one step: drops, adds and keeps, all under the original deadline', async () => {
    const event = await newEvent();
    const { eventId } = event;
    const deadline = later(60);
    await holdSeats(store, { eventId, orderId: 'o', seatIds: ['B1', 'B2'], holdExpiresAt: deadline });
    clock.now += 30_000;
    const changed = await changeOrderSeats(store, event, {
      orderId: 'o',
      heldSeatIds: ['B1', 'B2'],
      seatIds: ['B2', 'B3'],
      holdExpiresAt: deadline,
    });
    expect(changed.change).toEqual({ added: ['B3'], kept: ['B2'], released: ['B1'] });
    expect(changed.holdExpiresAt).toBe(deadline);
    expect(await seat(eventId, 'B1')).toMatchObject({ status: 'AVAILABLE' });
    expect(await seat(eventId, 'B2')).toMatchObject({ status: 'HELD', orderId: 'o', holdExpiresAt: deadline });
    expect(await seat(eventId, 'B3')).toMatchObject({ status: 'HELD', orderId: 'o', holdExpiresAt: deadline });

    // Adding a taken seat changes nothing at all.
    await holdSeats(store, { eventId, orderId: 'other', seatIds: ['B4'], holdExpiresAt: later(60) });
    await expect(
      changeHeldSeats(store, {
        eventId,
        orderId: 'o',
        heldSeatIds: ['B2', 'B3'],
        seatIds: ['B3', 'B4'],
        holdExpiresAt: later(60),
      }),
    ).rejects.toMatchObject({ code: 'SeatsTaken', seatIds: ['B4'] });
    expect(await seat(eventId, 'B2')).toMatchObject({ status: 'HELD', orderId: 'o' });
  });

  it('ignores a dropped seat the order had already lost', async () => {
    const { eventId } = await newEvent();
    await holdSeats(store, { eventId, orderId: 'o', seatIds: ['C1', 'C2'], holdExpiresAt: later(60) });
    clock.now += 61_000;
    await holdSeats(store, { eventId, orderId: 'rival', seatIds: ['C1'], holdExpiresAt: later(60) });
    const change = await changeHeldSeats(store, {
      eventId,
      orderId: 'o',
      heldSeatIds: ['C1', 'C2'],
      seatIds: ['C2', 'C5'],
      holdExpiresAt: later(60),
    });
    expect(change).toEqual({ added: ['C5'], kept: ['C2'], released: [] });
    expect(await seat(eventId, 'C1')).toMatchObject({ orderId: 'rival' });
  });

  it('picks adjacent best-available seats, keeps them on retry, and says sold out', async () => {
    const event = await newEvent({ rows: 1, seatsPerRow: 4 });
    const first = await holdForOrder(store, event, 'pair', { quantity: 2 });
    expect(first.seatIds).toHaveLength(2);
    const [a, b] = first.seatIds.map((id) => Number(id.slice(1))).sort();
    expect(b! - a!).toBe(1);
    const retry = await holdForOrder(store, event, 'pair', { quantity: 2 });
    expect(retry.seatIds.sort()).toEqual([...first.seatIds].sort());
    await holdForOrder(store, event, 'rest', { quantity: 2 });
    await expect(holdForOrder(store, event, 'late', { quantity: 1 })).rejects.toThrow(SoldOut);
  });
});
