import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Store } from '../platform/store';

/**
 * The one item per event that says how far the queue is served and who holds a purchase slot.
 * Every write bumps `version` and is conditional on the version it read (optimistic locking), so
 * concurrent advances never admit past the slot limit. Its writes are per admission and per
 * slot release, never per join: joins touch only the buyer's item and a position counter.
 */

export interface PurchaseSlot {
  readonly position: number;
  readonly admittedAt: number;
  /** Epoch ms: admission deadline until an order starts; then a safety deadline re-checked against the order. */
  readonly until: number;
  readonly orderId?: string;
}

export interface WaitingRoomState {
  readonly eventId: string;
  /** Every position up to here has been admitted (or skipped as a gap). */
  readonly servingPosition: number;
  readonly active: Readonly<Record<string, PurchaseSlot>>;
  /** Buyers admitted so far, ever. */
  readonly admittedCount: number;
  /**
   * An admitted buyer found no seat left. Provisional: seats come back when holds lapse or orders
   * fail, and an order ending without a sale clears it.
   */
  readonly soldOut?: boolean;
  readonly version: number;
  readonly updatedAt: number;
}

export function emptyWaitingRoomState(eventId: string): WaitingRoomState {
  return { eventId, servingPosition: 0, active: {}, admittedCount: 0, version: 0, updatedAt: 0 };
}

export async function readWaitingRoomState(store: Store, eventId: string): Promise<WaitingRoomState> {
  const { Item } = await store.doc.send(
    new GetCommand({ TableName: store.tables.waitingRooms, Key: { eventId }, ConsistentRead: true }),
  );
  return (Item as WaitingRoomState | undefined) ?? emptyWaitingRoomState(eventId);
}

/** Writes `next` if nobody wrote since `read`; false when someone did (read again and redo). */
export async function writeWaitingRoomState(
  store: Store,
  read: WaitingRoomState,
  next: Omit<WaitingRoomState, 'version' | 'updatedAt'>,
): Promise<boolean> {
  try {
    await store.doc.send(
      new PutCommand({
        TableName: store.tables.waitingRooms,
        Item: { ...next, version: read.version + 1, updatedAt: store.now() },
        ConditionExpression: read.version === 0 ? 'attribute_not_exists(eventId)' : 'version = :version',
        ...(read.version === 0 ? {} : { ExpressionAttributeValues: { ':version': read.version } }),
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/**
 * Read–change–write with retries on conflict. `change` returns the new state, or undefined when
 * there is nothing to write.
 */
export async function updateWaitingRoomState(
  store: Store,
  eventId: string,
  change: (state: WaitingRoomState) => Promise<Omit<WaitingRoomState, 'version' | 'updatedAt'> | undefined>,
): Promise<WaitingRoomState> {
  for (let attempt = 0; ; attempt++) {
    const state = await readWaitingRoomState(store, eventId);
    const next = await change(state);
    if (next === undefined) return state;
    if (await writeWaitingRoomState(store, state, next))
      return { ...next, version: state.version + 1, updatedAt: store.now() };
    // Every writer of one event's queue meets here; under a burst, back off with full jitter.
    if (attempt >= 60) throw new Error(`The queue of ${eventId} stayed too busy to update`);
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** Math.min(attempt, 6)));
  }
}
