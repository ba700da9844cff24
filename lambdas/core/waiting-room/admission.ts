import { isFinal } from '../orders/order-record';
import { AdmissionRequired, SoldOut } from '../platform/errors';
import { advanceWaitingRoom, changeAndAdvance } from './advance';
import { updateWaitingRoomState } from './room-state';
import type { WaitingRoomSettings } from './settings';
import type { WaitingRoomDeps, WaitingRoomPlace, WaitingRoomSource, WaitingRoomState } from './waiting-room-repository';
import { waitingRoomDeps } from './waiting-room-store';

/**
 * A buyer's admission, from the order it is bound to until its slot is free again: binding it to
 * the order a buyer starts (on the buyer's own place, never the room item), and giving slots back —
 * an ended order's, an admission left unused (the buyer left, or nothing was left to buy) — through
 * the room's one writer (advance.ts), which admits the next buyers in the same write.
 */

/** How long after an order's hold a slot is kept before its order is looked up again. */
const ORDER_SLOT_GRACE_MS = 60_000;

/**
 * A create refused this long before its admission's window ends: the batch writer frees an
 * unused admission once its window passed, so the two never meet, even with clocks of different
 * machines a little apart.
 */
const BIND_MARGIN_MS = 2000;

/**
 * Binds the buyer's admission to the order they start, so the slot lasts as long as the order
 * does: one conditional write on the buyer's own place (admitted at `position`, within the
 * window, not left, not ended, bound to no other order) — never the room item, so order starts
 * do not contend. Refuses a buyer without a live admission of the place their token stands for
 * (`position`): this is what keeps anyone from skipping the line.
 *
 * One admission, one order: an admission bound to another order is never rebound, whatever the
 * orders stream's lag. If that order ended, its slot is freed here at once (the buyer needs a new
 * turn, at the back of the line); if it still runs, it keeps its slot. Only an order that was never
 * written (its create died after binding, and its undo was lost) consumed nothing: the admission
 * is bound to the new order instead.
 *
 * Returns the undo for an order that then could not be created: seats taken (or fewer seats left
 * than asked for) gives the buyer their admission back as it was; nothing left ends it.
 */
export async function bindAdmission(
  source: WaitingRoomSource,
  eventId: string,
  settings: WaitingRoomSettings,
  request: { buyerId: string; position: number; orderId: string; holdSeconds: number },
): Promise<(reason: unknown) => Promise<void>> {
  const deps = waitingRoomDeps(source);
  const { buyerId, position, orderId } = request;
  const binding = (now: number, replacing?: string) => ({
    position,
    orderId,
    now: now + BIND_MARGIN_MS,
    until: now + request.holdSeconds * 1000 + ORDER_SLOT_GRACE_MS,
    ...(replacing === undefined ? {} : { replacing }),
  });
  // The usual case first: a live, unbound admission is bound with one write and no read.
  const bound = await deps.room.bindOrder(eventId, buyerId, binding(deps.now()));
  let place = bound ? undefined : await deps.room.readPlace(eventId, buyerId);
  if (!bound && (!place || place.position !== position)) throw new AdmissionRequired();
  if (place && place.orderId !== orderId) {
    if (place.admissionUntil === undefined) place = await noteLostAdmission(deps, eventId, place);
    let replacing: string | undefined;
    if (place.orderId !== undefined) {
      const status = await deps.orders.statusOf(place.orderId);
      if (status !== undefined) {
        // Its order ended: the slot goes to the next buyer now, not when the stream gets to it.
        if (isFinal(status)) await releaseSlots(deps, eventId, settings, [{ buyerId, orderId: place.orderId }]);
        throw new AdmissionRequired(
          `Your admission was used by order ${place.orderId}: one admission buys once. Join the waiting room again for a new turn`,
        );
      }
      replacing = place.orderId;
    }
    if (!(await deps.room.bindOrder(eventId, buyerId, binding(deps.now(), replacing)))) throw new AdmissionRequired();
  }
  return async (reason) => {
    // Seats taken, or fewer left than asked for: the admission as it was, to choose again.
    if (!(reason instanceof SoldOut) || reason.available > 0) {
      await deps.room.unbindOrder(eventId, buyerId, orderId);
      return;
    }
    // Nothing left: the admission ends and its slot goes to the next buyer. The line's sold-out
    // state is not set from one refusal (issue #12): it follows the availability summary as orders end.
    if (await deps.room.unbindOrder(eventId, buyerId, orderId, deps.now()))
      await releaseAdmissions(deps, eventId, settings, [
        { buyerId, position },
        { buyerId, position, orderId },
      ]);
  };
}

/**
 * The batch writer admitted the place but its note on the place was lost (it died between the
 * two writes): the room's slot says so, and the note is written now.
 */
async function noteLostAdmission(
  deps: WaitingRoomDeps,
  eventId: string,
  place: WaitingRoomPlace,
): Promise<WaitingRoomPlace> {
  const slot = (await deps.room.readState(eventId)).active[place.buyerId];
  if (!slot || slot.position !== place.position) return place;
  await deps.room.markAdmitted(eventId, place.buyerId, slot);
  return { ...place, admittedAt: slot.admittedAt, admissionUntil: slot.until };
}

/**
 * Frees the slots of unused admissions that can no longer be bound (the buyer left, or the
 * admission ended: noted on the place first) and admits the next buyers: the batch writer.
 */
async function releaseAdmissions(
  deps: WaitingRoomDeps,
  eventId: string,
  settings: WaitingRoomSettings,
  admissions: readonly { buyerId: string; position: number; orderId?: string }[],
): Promise<void> {
  await changeAndAdvance(deps, eventId, settings, (current) => {
    const active = { ...current.active };
    let released = 0;
    for (const { buyerId, position, orderId } of admissions)
      if (active[buyerId]?.position === position && active[buyerId]?.orderId === orderId) {
        delete active[buyerId];
        released++;
      }
    return released === 0 ? current : { ...current, active };
  });
}

/**
 * Frees the slot an ended order held, then admits whoever is next. The line's sold-out state is
 * re-decided here from the actual count (issue #12): an order that ended without a sale gave its
 * seats back (not sold out); otherwise `seatsLeft`, the availability summary's free count read as
 * the order ended, decides (0: sold out). Without a count the state stays as it was.
 */
export async function releaseSlot(
  source: WaitingRoomSource,
  eventId: string,
  settings: WaitingRoomSettings,
  order: { buyerId: string; orderId: string; seatsFreed?: boolean; seatsLeft?: number },
): Promise<void> {
  await releaseSlots(source, eventId, settings, [order], order.seatsLeft);
}

/**
 * Frees the slots of a batch of ended orders (the orders stream's batch for one event) and
 * admits the next buyers into them: one conditional write of the room for the whole batch.
 * Each slot is freed only by its own order, so a replayed batch changes nothing. Sold out: any
 * order that gave its seats back clears it; otherwise `seatsLeft` (the count as the batch was
 * read) decides; without either it stays. Returns the room after the write (what its stream carries).
 */
export async function releaseSlots(
  source: WaitingRoomSource,
  eventId: string,
  settings: WaitingRoomSettings,
  orders: readonly { buyerId: string; orderId: string; seatsFreed?: boolean }[],
  seatsLeft?: number,
): Promise<WaitingRoomState> {
  const deps = waitingRoomDeps(source);
  // Which admission each order was bound to: on the buyers' places (the room item does not know
  // until the writer looked). Read once per batch; a binding never changes while its order runs.
  const places = new Map(
    await Promise.all(
      orders.map(async (order) => [order.orderId, await deps.room.readPlace(eventId, order.buyerId)] as const),
    ),
  );
  return changeAndAdvance(deps, eventId, settings, (current) => {
    const soldOut = orders.some((order) => order.seatsFreed === true)
      ? false
      : seatsLeft !== undefined
        ? seatsLeft === 0
        : current.soldOut === true;
    const active = { ...current.active };
    let released = 0;
    for (const order of orders) {
      const slot = active[order.buyerId];
      const place = places.get(order.orderId);
      const boundHere = place?.orderId === order.orderId && place.position === slot?.position;
      if (slot && (slot.orderId === order.orderId || (slot.orderId === undefined && boundHere))) {
        delete active[order.buyerId];
        released++;
      }
    }
    return released === 0 && soldOut === (current.soldOut === true) ? current : { ...current, active, soldOut };
  });
}

/**
 * The line's sold-out state set from an actual count (an operator's reset puts every seat back:
 * `seatsLeft` > 0), then the line moves on.
 */
export async function recheckSoldOut(
  source: WaitingRoomSource,
  eventId: string,
  settings: WaitingRoomSettings,
  seatsLeft: number,
): Promise<void> {
  const deps = waitingRoomDeps(source);
  await updateWaitingRoomState(deps, eventId, async (current) =>
    (current.soldOut === true) === (seatsLeft === 0) ? undefined : { ...current, soldOut: seatsLeft === 0 },
  );
  await advanceWaitingRoom(deps, eventId, settings);
}

/**
 * A buyer told `SoldOut` with nothing left, before any order (the summary's answer): their unused
 * admission ends, so the slot goes to the next in line (who will hear the same unless seats return).
 */
export async function endAdmissionSoldOut(
  source: WaitingRoomSource,
  eventId: string,
  settings: WaitingRoomSettings,
  buyerId: string,
): Promise<void> {
  const deps = waitingRoomDeps(source);
  const place = await deps.room.readPlace(eventId, buyerId);
  if (!place || place.orderId !== undefined) return;
  // Noted on the place first: from then on it binds no order, so its slot can go.
  if (await deps.room.endAdmission(eventId, buyerId, place.position, deps.now()))
    await releaseAdmissions(deps, eventId, settings, [{ buyerId, position: place.position }]);
}

/**
 * A buyer leaves the line: an unused admission is given back at once; a place not yet served is
 * marked, and the queue passes over it. An admission bound to an order stays with the order.
 */
export async function giveUpPlace(
  source: WaitingRoomSource,
  eventId: string,
  settings: WaitingRoomSettings,
  buyerId: string,
): Promise<void> {
  const deps = waitingRoomDeps(source);
  if (!(await deps.room.markLeft(eventId, buyerId, deps.now()))) return; // never joined: nothing to leave
  // Left: the place binds no order from now on. Read after the mark: an order bound before it keeps the slot.
  const place = await deps.room.readPlace(eventId, buyerId);
  if (place && place.orderId === undefined)
    await releaseAdmissions(deps, eventId, settings, [{ buyerId, position: place.position }]);
  else await advanceWaitingRoom(deps, eventId, settings);
}
