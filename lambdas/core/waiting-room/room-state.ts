import {
  emptyWaitingRoomState,
  type PurchaseSlot,
  type WaitingRoomDeps,
  type WaitingRoomSource,
  type WaitingRoomState,
  type WaitingRoomStateChange,
} from './waiting-room-repository';
import { waitingRoomDeps } from './waiting-room-store';

export type { PurchaseSlot, WaitingRoomState };
export { emptyWaitingRoomState };

/**
 * The one item per event that says how far the queue is served and who holds a purchase slot.
 * Every write bumps `version` and is conditional on the version it read (optimistic locking), so
 * concurrent advances never admit past the slot limit. It is written by the batch writer only
 * (admission.ts): once per orders-stream batch or timer run, never per order start (the
 * admission is bound on the buyer's place) and, in a busy line, never per join or status read.
 */

export function readWaitingRoomState(source: WaitingRoomSource, eventId: string): Promise<WaitingRoomState> {
  return waitingRoomDeps(source).room.readState(eventId);
}

/** How many times a change is redone after losing the optimistic write before giving up. */
const MAX_ATTEMPTS = 60;

/**
 * Read–change–write with retries on conflict. `change` returns the new state, or undefined when
 * there is nothing to write.
 */
export async function updateWaitingRoomState(
  deps: WaitingRoomDeps,
  eventId: string,
  change: (state: WaitingRoomState) => Promise<WaitingRoomStateChange | undefined>,
): Promise<WaitingRoomState> {
  const sleep = deps.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 0; ; attempt++) {
    const state = await deps.room.readState(eventId);
    const next = await change(state);
    if (next === undefined) return state;
    const updatedAt = deps.now();
    if (await deps.room.writeState(state, next, updatedAt)) return { ...next, version: state.version + 1, updatedAt };
    // Every writer of one event's queue meets here; under a burst, back off with full jitter.
    if (attempt >= MAX_ATTEMPTS) throw new Error(`The queue of ${eventId} stayed too busy to update`);
    await sleep(Math.random() * 10 * 2 ** Math.min(attempt, 6));
  }
}
