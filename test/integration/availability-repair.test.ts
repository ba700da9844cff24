import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEvent } from '../../lambdas/core/events/create-event';
import { createStore, type Store } from '../../lambdas/core/platform/store';
import {
  AVAILABILITY_PREFIX,
  AVAILABILITY_SETTLE_MS,
  readAvailability,
  repairAvailability,
} from '../../lambdas/core/seats/availability';
import { confirmSeats, holdSeats } from '../../lambdas/core/seats/seat-locks';
import { useTestTables } from '../support/local-dynamo';

/**
 * The availability summary against its seats (issue #13): its stream consumer no longer writes a
 * change that leaves a seat as taken as it was (HELD → SOLD), so a batch the consumer gave up on is
 * no longer put right by the seat's next change. The live-map sweep puts it right from the seat
 * items (`repairAvailability`) — also when no further change ever comes, which nothing did before.
 * Here the stream is never applied: every seat write below is a "lost batch".
 */
describe('the availability summary repaired from the seat items', () => {
  let store: Store;
  /** The same tables a sweep sees once the seats' last changes have settled. */
  let later: Store;
  const eventId = 'availability-repair';

  beforeAll(async () => {
    const { client, tables } = await useTestTables();
    store = createStore(client, tables);
    later = { ...store, now: () => Date.now() + 2 * AVAILABILITY_SETTLE_MS };
    await createEvent(store, { eventId, name: 'Repair', rows: 1, seatsPerRow: 3, priceCents: 1000 });
  });

  const freeSeats = async () => [...((await readAvailability(store, eventId))?.rows[0]?.free ?? [])].sort();

  it('a sold seat whose batches were lost is taken out of the summary; a second run writes nothing', async () => {
    await holdSeats(store, { eventId, orderId: 'o1', seatIds: ['A1'], holdExpiresAt: Date.now() + 300_000 });
    await confirmSeats(store, { eventId, orderId: 'o1', seatIds: ['A1'] });
    expect(await freeSeats()).toEqual(['A1', 'A2', 'A3']); // stale: buyers would be sent to A1

    // Within the settle window the stream may still be delivering it: left alone.
    expect(await repairAvailability(store, eventId)).toEqual([]);
    expect(await repairAvailability(later, eventId)).toEqual([{ eventId, rowIndex: 0, free: [], taken: ['A1'] }]);
    expect(await freeSeats()).toEqual(['A2', 'A3']);
    expect(await repairAvailability(later, eventId)).toEqual([]);
  });

  it('a free seat missing from the summary (its ADD lost) is listed again', async () => {
    await store.doc.send(
      new UpdateCommand({
        TableName: store.tables.buyers,
        Key: { eventId, buyerId: `${AVAILABILITY_PREFIX}0` },
        UpdateExpression: 'DELETE #free :ids',
        ExpressionAttributeNames: { '#free': 'free' },
        ExpressionAttributeValues: { ':ids': new Set(['A3']) },
      }),
    );
    expect(await freeSeats()).toEqual(['A2']);
    expect(await repairAvailability(later, eventId)).toEqual([{ eventId, rowIndex: 0, free: ['A3'], taken: [] }]);
    expect(await freeSeats()).toEqual(['A2', 'A3']);
  });

  it('an event without a summary gets none', async () => {
    expect(await repairAvailability(later, 'no-such-event')).toEqual([]);
  });
});
