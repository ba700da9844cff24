import { DomainError } from '../errors';
import { getEvent } from '../events';
import { changeOrderSeats } from '../holds';
import { isFinal, type OrderRecord, type OrderStatus } from '../order';
import { waitSecondsUntil } from '../order-workflow';
import { getOrder, updateOrder } from '../orders';
import { releaseStillHeld } from '../seat-locks';
import type { Store } from '../store';

/** Order-flow steps around the hold: wait for the buyer, change seats, end the order. */

export interface HoldState {
  readonly waitSeconds: number;
}

/** Puts the waiting task's token on the order, where the buyer's next request finds it. */
export async function awaitBuyer(store: Store, input: { orderId: string; taskToken: string }): Promise<void> {
  await updateOrder(store, input.orderId, { set: { taskToken: input.taskToken }, from: ['HOLDING'] });
}

/**
 * Moves the hold to the seats the buyer chose and restarts the timer. A refused change (seats
 * taken, invalid) is not a failure of the flow: the order keeps its seats, the reason goes on the
 * order for the buyer to see, and the flow waits again for the time left on the old hold.
 */
export async function changeSeats(
  store: Store,
  input: { orderId: string; seatIds: readonly string[] },
): Promise<HoldState & { changed: boolean; error?: string }> {
  const order = await getOrder(store, input.orderId);
  const event = await getEvent(store, order.eventId);
  try {
    const hold = await changeOrderSeats(store, event, { orderId: order.orderId, heldSeatIds: order.seatIds, seatIds: input.seatIds });
    await updateOrder(store, order.orderId, {
      set: { seatIds: hold.seatIds, holdExpiresAt: hold.holdExpiresAt, amountCents: event.priceCents * hold.seatIds.length },
      remove: ['lastChangeError'],
      from: ['HOLDING'],
    });
    return { waitSeconds: waitSecondsUntil(hold.holdExpiresAt, store.now()), changed: true };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    await updateOrder(store, order.orderId, { set: { lastChangeError: error.message }, from: ['HOLDING'] });
    return { waitSeconds: waitSecondsUntil(order.holdExpiresAt, store.now()), changed: false, error: error.message };
  }
}

export type EndingStatus = Extract<OrderStatus, 'EXPIRED' | 'CANCELLED' | 'FAILED'>;

/**
 * Ends an order without tickets: releases the seats it still holds and records why. Ending an
 * order that already ended this way is a no-op, so the step can be retried.
 */
export async function endOrder(
  store: Store,
  input: { orderId: string; status: EndingStatus; reason: string },
): Promise<{ status: OrderStatus; releasedSeatIds: string[] }> {
  const order = await getOrder(store, input.orderId);
  if (isFinal(order.status)) return { status: order.status, releasedSeatIds: [] };
  const releasedSeatIds = await releaseStillHeld(store, { eventId: order.eventId, orderId: order.orderId, seatIds: order.seatIds });
  const ended: OrderRecord = await updateOrder(store, order.orderId, {
    set: { status: input.status, failureReason: input.reason, ...(input.status === 'FAILED' ? { 'payment.status': 'failed' } : {}) },
    remove: ['taskToken'],
    from: ['HOLDING', 'PAYING'],
  });
  return { status: ended.status, releasedSeatIds };
}
