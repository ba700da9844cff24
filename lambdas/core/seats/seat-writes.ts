import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Store } from '../platform/store';
import type { SeatItem } from './seat-item';

/**
 * The per-seat lock: every state change of a seat is one conditional UpdateItem, and a change of
 * several seats is one TransactWriteItems, so it happens to all of them or to none.
 */

/** `unsell` puts a seat sold to an order that never completed (compensation) back on sale. */
export type SeatWriteKind = 'hold' | 'refresh' | 'release' | 'confirm' | 'unsell';

export interface SeatWrite {
  readonly seatId: string;
  readonly kind: SeatWriteKind;
}

/**
 * A seat whose write failed: its condition did not hold (`current` is the seat as it was then;
 * absent when there is no such seat), or other transactions kept conflicting on it.
 */
export interface SeatWriteFailure extends SeatWrite {
  readonly reason: 'condition' | 'conflict';
  readonly current?: SeatItem;
}

export class SeatWritesRejected extends Error {
  constructor(readonly failures: readonly SeatWriteFailure[]) {
    super(`Seat writes rejected: ${failures.map((f) => `${f.seatId}(${f.kind})`).join(', ')}`);
  }
}

/** DynamoDB's limit on items per transaction. */
export const MAX_SEATS_PER_WRITE = 100;
const CONFLICT_RETRIES = 6;

interface WriteContext {
  readonly eventId: string;
  readonly orderId: string;
  /** Epoch ms; required for hold and refresh. */
  readonly holdExpiresAt?: number;
}

// Held seats are free for `hold` when their hold has lapsed (holdExpiresAt < now) or when the
// same order asks again (an idempotent retry). SOLD seats never change hands.
const CONDITIONS: Record<SeatWriteKind, string> = {
  hold: '#status = :available OR (#status = :held AND (holdExpiresAt < :now OR orderId = :orderId))',
  refresh: '#status = :held AND orderId = :orderId',
  release: '#status = :held AND orderId = :orderId',
  confirm: '#status = :held AND orderId = :orderId',
  unsell: '#status = :sold AND orderId = :orderId',
};

const UPDATES: Record<SeatWriteKind, string> = {
  hold: 'SET #status = :held, orderId = :orderId, holdExpiresAt = :expiresAt, updatedAt = :now ADD version :one',
  refresh: 'SET holdExpiresAt = :expiresAt, updatedAt = :now ADD version :one',
  release: 'SET #status = :available, updatedAt = :now REMOVE orderId, holdExpiresAt ADD version :one',
  confirm: 'SET #status = :sold, soldAt = :now, updatedAt = :now REMOVE holdExpiresAt ADD version :one',
  unsell: 'SET #status = :available, updatedAt = :now REMOVE orderId, soldAt ADD version :one',
};

function updateFor(store: Store, ctx: WriteContext, write: SeatWrite, now: number) {
  if ((write.kind === 'hold' || write.kind === 'refresh') && ctx.holdExpiresAt === undefined) {
    throw new Error(`${write.kind} needs holdExpiresAt`);
  }
  const condition = CONDITIONS[write.kind];
  const update = UPDATES[write.kind];
  const candidates: Record<string, unknown> = {
    ':available': 'AVAILABLE',
    ':held': 'HELD',
    ':sold': 'SOLD',
    ':orderId': ctx.orderId,
    ':expiresAt': ctx.holdExpiresAt,
    ':now': now,
    ':one': 1,
  };
  // DynamoDB rejects placeholders an expression does not use, so pass only the used ones.
  const values = Object.fromEntries(
    Object.entries(candidates).filter(([placeholder]) => `${condition} ${update}`.includes(placeholder)),
  );
  return {
    TableName: store.tables.seats,
    Key: { eventId: ctx.eventId, seatId: write.seatId },
    ConditionExpression: condition,
    UpdateExpression: update,
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: values,
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
  };
}

function seatFrom(item: Record<string, AttributeValue> | undefined): SeatItem | undefined {
  return item ? (unmarshall(item) as SeatItem) : undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Applies the writes atomically. Throws SeatWritesRejected naming every seat whose condition
 * failed; retries transaction conflicts (another transaction touching the same seat right now)
 * with jittered backoff, and reports a hold that keeps conflicting as a failure of that seat.
 */
export async function applySeatWrites(store: Store, ctx: WriteContext, writes: readonly SeatWrite[]): Promise<void> {
  if (writes.length === 0) return;
  if (writes.length > MAX_SEATS_PER_WRITE) throw new Error(`At most ${MAX_SEATS_PER_WRITE} seats per write`);

  if (writes.length === 1) {
    const write = writes[0]!;
    try {
      await store.doc.send(new UpdateCommand(updateFor(store, ctx, write, store.now())));
      return;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new SeatWritesRejected([{ ...write, reason: 'condition', current: seatFrom(error.Item) }]);
      }
      throw error;
    }
  }

  for (let attempt = 0; ; attempt++) {
    const now = store.now();
    try {
      await store.doc.send(
        new TransactWriteCommand({ TransactItems: writes.map((w) => ({ Update: updateFor(store, ctx, w, now) })) }),
      );
      return;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const failures: SeatWriteFailure[] = [];
      const conflicts: SeatWrite[] = [];
      writes.forEach((write, i) => {
        const reason = reasons[i];
        if (reason?.Code === 'ConditionalCheckFailed')
          failures.push({ ...write, reason: 'condition', current: seatFrom(reason.Item) });
        else if (reason?.Code === 'TransactionConflict') conflicts.push(write);
        else if (reason?.Code && reason.Code !== 'None') throw error;
      });
      if (failures.length > 0) throw new SeatWritesRejected(failures);
      if (conflicts.length === 0) throw error;
      if (attempt >= CONFLICT_RETRIES) {
        // Still contended after several tries: for holds this means another buyer is taking the
        // seat right now, which the caller reports like a taken seat. Anything else is a fault.
        if (conflicts.every((c) => c.kind === 'hold')) {
          throw new SeatWritesRejected(conflicts.map((c) => ({ ...c, reason: 'conflict' as const })));
        }
        throw error;
      }
      await sleep(5 + store.random() * 20 * 2 ** attempt);
    }
  }
}
