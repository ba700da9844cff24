import {
  ConditionalCheckFailedException,
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
  TransactionConflictException,
} from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { errorResponse } from '../../lambdas/api/http';
import { DomainError, HoldExpired, InvalidSeat, SeatsTaken } from '../../lambdas/core/platform/errors';
import { logger } from '../../lambdas/core/platform/logger';
import { confirmSeats, holdSeats, releaseSeats, releaseStillHeld } from '../../lambdas/core/seats/seat-locks';
import { awsFault, mockedStore, NOW, rawItem } from '../support/sdk-mock';

/**
 * The seat locks under SDK faults DynamoDB Local never produces. A throttle or a conflict is a
 * fault to retry, never "seats taken"; only a failed condition names a seat as someone else's.
 */

const { doc, store } = mockedStore();
afterEach(() => doc.reset());

const EVENT = 'ev-1';
const ORDER = 'order-1';
const hold = (seatIds: string[]) =>
  holdSeats(store, { eventId: EVENT, orderId: ORDER, seatIds, holdExpiresAt: NOW + 60_000 });
const seat = (seatId: string, status: string, orderId?: string) =>
  rawItem({ eventId: EVENT, seatId, status, orderId, rowIndex: 0, number: 1, version: 3, updatedAt: NOW });

const canceled = (...codes: (string | { Code: string; Item?: ReturnType<typeof seat> })[]) =>
  new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
    ...awsFault(),
    CancellationReasons: codes.map((c) => (typeof c === 'string' ? { Code: c } : c)),
  });

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('one seat (a single conditional UpdateItem)', () => {
  it('a failed condition with the seat held by another order is SeatsTaken, naming the seat', async () => {
    doc.on(UpdateCommand).rejects(
      new ConditionalCheckFailedException({
        message: 'The conditional request failed',
        ...awsFault(),
        Item: seat('A-1', 'HELD', 'other'),
      }),
    );
    const error = await rejection(hold(['A-1']));
    expect(error).toBeInstanceOf(SeatsTaken);
    expect((error as SeatsTaken).seatIds).toEqual(['A-1']);
  });

  it('a failed condition without an item (no such seat) is InvalidSeat', async () => {
    doc.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'failed', ...awsFault() }));
    expect(await rejection(hold(['Z-99']))).toBeInstanceOf(InvalidSeat);
  });

  it('a throttle (ProvisionedThroughputExceeded, after the SDK gave up retrying) surfaces as itself, not as a refusal', async () => {
    const throttle = new ProvisionedThroughputExceededException({ message: 'Rate exceeded', ...awsFault() });
    doc.on(UpdateCommand).rejects(throttle);
    const error = await rejection(hold(['A-1']));
    expect(error).toBe(throttle);
    expect(error).not.toBeInstanceOf(DomainError);
  });

  it('a write conflicting with a transaction in flight surfaces as a fault, not as a refusal', async () => {
    const conflict = new TransactionConflictException({
      message: 'Transaction is ongoing for the item',
      ...awsFault(),
    });
    doc.on(UpdateCommand).rejects(conflict);
    expect(await rejection(hold(['A-1']))).toBe(conflict);
  });

  it('the write asks for the seat as it was when its condition failed', async () => {
    doc.on(UpdateCommand).resolves({});
    await hold(['A-1']);
    expect(doc.commandCalls(UpdateCommand)[0]!.args[0].input.ReturnValuesOnConditionCheckFailure).toBe('ALL_OLD');
  });
});

describe('several seats (one TransactWriteItems)', () => {
  it('names only the seats whose condition failed; the others ("None") are not taken', async () => {
    doc
      .on(TransactWriteCommand)
      .rejects(canceled('None', { Code: 'ConditionalCheckFailed', Item: seat('A-2', 'SOLD', 'other') }, 'None'));
    const error = await rejection(hold(['A-1', 'A-2', 'A-3']));
    expect(error).toBeInstanceOf(SeatsTaken);
    expect((error as SeatsTaken).seatIds).toEqual(['A-2']);
  });

  it('a ThrottlingError cancellation reason surfaces as the SDK error: retryable, never SeatsTaken', async () => {
    const throttled = canceled('None', 'ThrottlingError');
    doc.on(TransactWriteCommand).rejects(throttled);
    const error = await rejection(hold(['A-1', 'A-2']));
    expect(error).not.toBeInstanceOf(DomainError);
    expect((error as Error).name).toBe('TransactionCanceledException');
  });

  it('a ThrottlingError next to a failed condition is still a fault (the condition may not have been checked)', async () => {
    doc
      .on(TransactWriteCommand)
      .rejects(canceled('ThrottlingError', { Code: 'ConditionalCheckFailed', Item: seat('A-2', 'HELD', 'other') }));
    expect(await rejection(hold(['A-1', 'A-2']))).not.toBeInstanceOf(DomainError);
  });

  it('a ProvisionedThroughputExceeded on the whole transaction surfaces as itself', async () => {
    const throttle = new ProvisionedThroughputExceededException({ message: 'Rate exceeded', ...awsFault() });
    doc.on(TransactWriteCommand).rejects(throttle);
    expect(await rejection(hold(['A-1', 'A-2']))).toBe(throttle);
  });

  it('retries a TransactionConflict and succeeds once the other transaction is done', async () => {
    doc
      .on(TransactWriteCommand)
      .rejectsOnce(canceled('TransactionConflict', 'None'))
      .rejectsOnce(canceled('None', 'TransactionConflict'))
      .resolves({});
    await hold(['A-1', 'A-2']);
    expect(doc.commandCalls(TransactWriteCommand)).toHaveLength(3);
  });

  it('a release that keeps conflicting is a fault after a bounded number of tries, never a refusal', async () => {
    doc.on(TransactWriteCommand).rejects(canceled('TransactionConflict', 'None'));
    const error = await rejection(releaseSeats(store, { eventId: EVENT, orderId: ORDER, seatIds: ['A-1', 'A-2'] }));
    expect(error).not.toBeInstanceOf(DomainError);
    expect(doc.commandCalls(TransactWriteCommand)).toHaveLength(7);
  });

  it('a hold that keeps conflicting is reported as taken by another buyer (by design), naming only the contended seat', async () => {
    doc.on(TransactWriteCommand).rejects(canceled('None', 'TransactionConflict'));
    const error = await rejection(hold(['A-1', 'A-2']));
    expect(error).toBeInstanceOf(SeatsTaken);
    expect((error as SeatsTaken).seatIds).toEqual(['A-2']);
    expect(doc.commandCalls(TransactWriteCommand)).toHaveLength(7);
  });

  it('an unknown cancellation reason (ValidationError) surfaces as the SDK error', async () => {
    doc.on(TransactWriteCommand).rejects(canceled('ValidationError', 'None'));
    expect(await rejection(hold(['A-1', 'A-2']))).not.toBeInstanceOf(DomainError);
  });
});

describe('lost answers (the write applied, its answer lost, the SDK retry finds the condition false)', () => {
  it('a repeated hold by the same order succeeds (the condition lets the owner hold again)', async () => {
    doc.on(UpdateCommand).resolves({});
    await hold(['A-1']);
    const condition = doc.commandCalls(UpdateCommand)[0]!.args[0].input.ConditionExpression!;
    expect(condition).toContain('orderId = :orderId');
  });

  it('a confirm whose retry finds the seats already sold to the order succeeds', async () => {
    doc
      .on(TransactWriteCommand)
      .rejects(
        canceled(
          { Code: 'ConditionalCheckFailed', Item: seat('A-1', 'SOLD', ORDER) },
          { Code: 'ConditionalCheckFailed', Item: seat('A-2', 'SOLD', ORDER) },
        ),
      );
    doc.on(BatchGetCommand).resolves({
      Responses: {
        [store.tables.seats]: [
          { eventId: EVENT, seatId: 'A-1', status: 'SOLD', orderId: ORDER },
          { eventId: EVENT, seatId: 'A-2', status: 'SOLD', orderId: ORDER },
        ],
      },
    });
    await confirmSeats(store, { eventId: EVENT, orderId: ORDER, seatIds: ['A-1', 'A-2'] });
  });

  it('a confirm that finds a seat released (its hold lapsed) is HoldExpired, not success', async () => {
    doc
      .on(UpdateCommand)
      .rejects(
        new ConditionalCheckFailedException({ message: 'failed', ...awsFault(), Item: seat('A-1', 'AVAILABLE') }),
      );
    expect(await rejection(confirmSeats(store, { eventId: EVENT, orderId: ORDER, seatIds: ['A-1'] }))).toBeInstanceOf(
      HoldExpired,
    );
  });
});

describe('reading seats back (BatchGetItem) under throttling', () => {
  const request = { eventId: EVENT, orderId: ORDER, seatIds: ['A-1', 'A-2'] };
  const item = (seatId: string, status: string) => ({ eventId: EVENT, seatId, status, orderId: ORDER });

  it('a throttled read of the seats fails the release: it never reports "nothing to free"', async () => {
    const throttle = new ProvisionedThroughputExceededException({ message: 'Rate exceeded', ...awsFault() });
    doc.on(BatchGetCommand).rejects(throttle);
    expect(await rejection(releaseStillHeld(store, request, { sold: true }))).toBe(throttle);
    expect(doc.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('frees the seats DynamoDB left unprocessed too (it does under throttling): a sold seat of a compensated order is never kept', async () => {
    doc
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { [store.tables.seats]: [item('A-1', 'HELD')] },
        UnprocessedKeys: { [store.tables.seats]: { Keys: [{ eventId: EVENT, seatId: 'A-2' }], ConsistentRead: true } },
      })
      .resolves({ Responses: { [store.tables.seats]: [item('A-2', 'SOLD')] } });
    doc.on(TransactWriteCommand).resolves({});
    expect((await releaseStillHeld(store, request, { sold: true })).sort()).toEqual(['A-1', 'A-2']);
    const writes = doc.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(writes.map((w) => w.Update!.Key!.seatId).sort()).toEqual(['A-1', 'A-2']);
    expect(doc.commandCalls(BatchGetCommand)[1]!.args[0].input.RequestItems![store.tables.seats]!.Keys).toEqual([
      { eventId: EVENT, seatId: 'A-2' },
    ]);
  });

  it('a confirm retried after a lost answer looks at every seat, unprocessed ones included', async () => {
    doc
      .on(TransactWriteCommand)
      .rejects(
        canceled(
          { Code: 'ConditionalCheckFailed', Item: seat('A-1', 'SOLD', ORDER) },
          { Code: 'ConditionalCheckFailed', Item: seat('A-2', 'SOLD', ORDER) },
        ),
      );
    doc
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { [store.tables.seats]: [item('A-1', 'SOLD')] },
        UnprocessedKeys: { [store.tables.seats]: { Keys: [{ eventId: EVENT, seatId: 'A-2' }] } },
      })
      .resolves({ Responses: { [store.tables.seats]: [item('A-2', 'SOLD')] } });
    await confirmSeats(store, request);
  });

  it('keys DynamoDB keeps leaving unprocessed fail the read after bounded retries', async () => {
    doc.on(BatchGetCommand).resolves({
      Responses: { [store.tables.seats]: [] },
      UnprocessedKeys: {
        [store.tables.seats]: {
          Keys: [
            { eventId: EVENT, seatId: 'A-1' },
            { eventId: EVENT, seatId: 'A-2' },
          ],
        },
      },
    });
    vi.useFakeTimers();
    try {
      const failed = rejection(releaseStillHeld(store, request, { sold: true }));
      await vi.runAllTimersAsync(); // the backoff between reads
      expect(await failed).toBeInstanceOf(Error);
    } finally {
      vi.useRealTimers();
    }
    expect(doc.commandCalls(BatchGetCommand)).toHaveLength(9);
    expect(doc.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });
});

describe('what a buyer sees', () => {
  it('a throttled seat transaction answers 500 InternalError (try again), never 409 SeatsTaken', async () => {
    vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    try {
      doc.on(TransactWriteCommand).rejects(canceled('ThrottlingError', 'None'));
      const response = errorResponse(await rejection(hold(['A-1', 'A-2'])));
      expect(response.statusCode).toBe(500);
      expect(JSON.parse(response.body).error.code).toBe('InternalError');
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('a seat whose condition failed answers 409 SeatsTaken naming it', async () => {
    doc
      .on(TransactWriteCommand)
      .rejects(canceled('None', { Code: 'ConditionalCheckFailed', Item: seat('A-2', 'HELD', 'other') }));
    const response = errorResponse(await rejection(hold(['A-1', 'A-2'])));
    expect(response.statusCode).toBe(409);
    expect(JSON.parse(response.body).error).toMatchObject({ code: 'SeatsTaken', seatIds: ['A-2'] });
  });
});
