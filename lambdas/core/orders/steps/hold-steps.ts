import { getEvent } from '../../events/event-records';
import { priceOf } from '../../events/prices';
import { DomainError } from '../../platform/errors';
import type { Store } from '../../platform/store';
import { changeOrderSeats } from '../../seats/order-holds';
import { getOrder, updateOrder } from '../order-store';
import { waitSecondsUntil } from '../order-workflow';

/** Order-flow steps around the hold: wait for the buyer, change seats. */

export interface HoldState {
  readonly waitSeconds: number;
}

/** Puts the waiting task's token on the order, where the buyer's next request finds it. */
export async function awaitBuyer(store: Store, input: { orderId: string; taskToken: string }): Promise<void> {
  await updateOrder(store, input.orderId, { set: { taskToken: input.taskToken }, from: ['HOLDING'] });
}

const sameSeats = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((id) => b.includes(id));

/**
 * Moves the hold to the seats the buyer chose, under the order's original deadline (a change never
 * renews the hold; the same seats again change nothing at all). A refused change (seats taken,
 * invalid) is not a failure of the flow: the order keeps its seats, the reason goes on the order
 * for the buyer to see, and the flow waits again for the time left on the hold.
 */
export async function changeSeats(
  store: Store,
  input: { orderId: string; seatIds: readonly string[] },
): Promise<HoldState & { changed: boolean; error?: string }> {
  const order = await getOrder(store, input.orderId);
  const waitSeconds = waitSecondsUntil(order.holdExpiresAt, store.now());
  if (sameSeats(order.seatIds, input.seatIds)) return { waitSeconds, changed: false };
  const event = await getEvent(store, order.eventId);
  try {
    const hold = await changeOrderSeats(store, event, {
      orderId: order.orderId,
      heldSeatIds: order.seatIds,
      seatIds: input.seatIds,
      holdExpiresAt: order.holdExpiresAt,
    });
    await updateOrder(store, order.orderId, {
      set: { seatIds: hold.seatIds, amountCents: priceOf(event, hold.seatIds) },
      remove: ['lastChangeError'],
      from: ['HOLDING'],
    });
    return { waitSeconds, changed: true };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    await updateOrder(store, order.orderId, { set: { lastChangeError: error.message }, from: ['HOLDING'] });
    return { waitSeconds, changed: false, error: error.message };
  }
}
