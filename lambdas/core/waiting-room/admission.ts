import { isFinal } from '../orders/order-record';
import { AdmissionRequired, SoldOut } from '../platform/errors';
import { updateWaitingRoomState } from './room-state';
import type { WaitingRoomSettings } from './settings';
import type {
  PurchaseSlot,
  WaitingPlace,
  WaitingRoomDeps,
  WaitingRoomPlace,
  WaitingRoomSource,
  WaitingRoomState,
} from './waiting-room-repository';
import { waitingRoomDeps } from './waiting-room-store';

/**
 * Serving the queue: positions are admitted strictly in order while purchase slots are free. A
 * slot is freed when its order ends (confirmed, failed, expired, cancelled) or when an admitted
 * buyer starts no order within the admission window.
 *
 * The room item has one writer, the batch writer (`changeAndAdvance`): the orders stream's
 * consumer frees a batch of ended orders and admits the next buyers in one conditional write, and
 * the room timer does the same with lapsed admissions. Starting an order never writes the room
 * item: the admission is bound to the order on the buyer's own place (`bindAdmission`), so order
 * starts of different buyers never contend. A join or a status read runs the writer only when the
 * room has an idle slot (a quiet room: nothing else would admit the buyer soon); in a busy sale
 * every slot is taken and they only read.
 */

/**
 * A missing position (a number being written, one the index does not show yet, or the old place
 * of a buyer who rejoined) holds the line this long after the next place was numbered before it
 * is skipped, so a place not yet visible is not overtaken by the next one.
 */
const GAP_GRACE_MS = 5000;
/** How long after an order's hold a slot is kept before its order is looked up again. */
const ORDER_SLOT_GRACE_MS = 60_000;

/**
 * Frees lapsed slots and admits the next buyers in position order, up to the slot limit. Safe
 * to call from anywhere at any time (joins, status reads, order endings): concurrent calls
 * serialise on the queue item's version. Returns the state after the advance.
 */
export async function advanceWaitingRoom(
  source: WaitingRoomSource,
  eventId: string,
  settings: WaitingRoomSettings,
): Promise<WaitingRoomState> {
  return changeAndAdvance(waitingRoomDeps(source), eventId, settings, (current) => current);
}

/**
 * One conditional write of the room: `change` (e.g. a batch of slot releases), then the advance
 * on top of it — freeing lapsed slots and admitting the next buyers into every free slot. So a
 * batch of ended orders moves the line with one write, not one per order.
 */
async function changeAndAdvance(
  deps: WaitingRoomDeps,
  eventId: string,
  settings: WaitingRoomSettings,
  change: (current: WaitingRoomState) => WaitingRoomState,
): Promise<WaitingRoomState> {
  let admitted: WaitingPlace[] = [];
  const state = await updateWaitingRoomState(deps, eventId, async (read) => {
    const current = change(read);
    const now = deps.now();
    const active = await keepLiveSlots(deps, eventId, current.active, now);
    const pruned = current !== read || slotsChanged(active, current.active);
    // Sold out: nobody more is let in to an empty map until an order gives seats back. A fair
    // start admits nobody until its draw has written every drawn place (no gap is skipped early).
    const drawPending = settings.salesStartAt !== undefined && !current.draw?.complete;
    const free = current.soldOut || drawPending ? 0 : settings.maxActivePurchasers - Object.keys(active).length;
    const next =
      free > 0
        ? await nextInLine(deps, eventId, current, free, now, settings)
        : { admitted: [], servedUpTo: current.servingPosition };
    admitted = next.admitted;
    if (!pruned && next.servedUpTo === current.servingPosition) return undefined;
    const until = now + settings.admissionSeconds * 1000;
    for (const entry of admitted) active[entry.buyerId] = { position: entry.position, admittedAt: now, until };
    return {
      ...current,
      servingPosition: next.servedUpTo,
      active,
      admittedCount: current.admittedCount + admitted.length,
      ...(current.firstAdmittedAt === undefined && admitted.length > 0 ? { firstAdmittedAt: now } : {}),
    };
  });
  // Marks each admitted buyer, so a later status read tells "served" from "skipped".
  // The place itself then says the buyer may bind an order (until the window ends).
  await Promise.all(
    admitted.map((entry) => {
      const slot = state.active[entry.buyerId]!;
      return deps.room.markAdmitted(eventId, entry.buyerId, {
        position: slot.position,
        admittedAt: slot.admittedAt,
        until: slot.until,
      });
    }),
  );
  return state;
}

/**
 * Runs the batch writer only when a slot is idle — free (not sold out, no draw pending) or past
 * its deadline — in the room as read; otherwise returns it as it is. What a join or a buyer's
 * status read calls: in a busy sale every slot is taken and they never write the room item.
 */
export async function advanceIfIdle(
  source: WaitingRoomSource,
  eventId: string,
  settings: WaitingRoomSettings,
  state: WaitingRoomState,
): Promise<WaitingRoomState> {
  const now = waitingRoomDeps(source).now();
  const slots = Object.values(state.active);
  const drawPending = settings.salesStartAt !== undefined && !state.draw?.complete;
  const free = !state.soldOut && !drawPending && slots.length < settings.maxActivePurchasers;
  if (!free && !slots.some((slot) => slot.until < now)) return state;
  return advanceWaitingRoom(source, eventId, settings);
}

/**
 * Admits a buyer whose position the queue passed without admitting them (their join was still
 * being written when the queue moved past it): they go first, as soon as a slot is free.
 */
export async function admitPassedOver(
  source: WaitingRoomSource,
  eventId: string,
  buyerId: string,
  position: number,
  settings: WaitingRoomSettings,
): Promise<WaitingRoomState> {
  const deps = waitingRoomDeps(source);
  let admittedAt: number | undefined;
  const state = await updateWaitingRoomState(deps, eventId, async (current) => {
    const now = deps.now();
    if (current.active[buyerId] || position > current.servingPosition) return undefined;
    const active = await keepLiveSlots(deps, eventId, current.active, now);
    if (Object.keys(active).length >= settings.maxActivePurchasers) return undefined;
    admittedAt = now;
    active[buyerId] = { position, admittedAt: now, until: now + settings.admissionSeconds * 1000 };
    return { ...current, active, admittedCount: current.admittedCount + 1 };
  });
  const slot = state.active[buyerId];
  if (admittedAt !== undefined && slot)
    await deps.room.markAdmitted(eventId, buyerId, { position, admittedAt, until: slot.until, passedOver: true });
  return state;
}

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

/**
 * The slots still in use. A slot within its deadline stays. Past it, the buyer's place tells: no
 * order bound — the admission lapsed unused (freed); an order bound — the slot now lasts as long
 * as that order (its safety deadline, then the order is looked up: kept while it runs).
 */
async function keepLiveSlots(
  deps: WaitingRoomDeps,
  eventId: string,
  slots: Readonly<Record<string, PurchaseSlot>>,
  now: number,
): Promise<Record<string, PurchaseSlot>> {
  const live: Record<string, PurchaseSlot> = {};
  await Promise.all(
    Object.entries(slots).map(async ([buyerId, slot]) => {
      if (slot.until >= now) {
        live[buyerId] = slot;
        return;
      }
      let orderId = slot.orderId;
      let until = slot.until;
      if (orderId === undefined) {
        const place = await deps.room.readPlace(eventId, buyerId);
        if (place?.position !== slot.position || place.orderId === undefined) return; // lapsed unused
        orderId = place.orderId;
        until = place.orderUntil ?? now;
      }
      // Past the order's safety deadline the order is looked up on every advance until it ends.
      if (until >= now || !(await hasEnded(deps, orderId))) live[buyerId] = { ...slot, orderId, until };
    }),
  );
  return live;
}

async function hasEnded(deps: WaitingRoomDeps, orderId: string): Promise<boolean> {
  const status = await deps.orders.statusOf(orderId);
  return status === undefined || isFinal(status);
}

/** True when the slots differ from the ones read (some freed, or a binding learned). */
function slotsChanged(
  live: Readonly<Record<string, PurchaseSlot>>,
  read: Readonly<Record<string, PurchaseSlot>>,
): boolean {
  const ids = Object.keys(read);
  const same = (a: PurchaseSlot | undefined, b: PurchaseSlot) => a?.orderId === b.orderId && a?.until === b.until;
  return Object.keys(live).length !== ids.length || ids.some((id) => !same(live[id], read[id]!));
}

/**
 * The next `count` present buyers after `servingPosition`, stopping at a fresh gap, and how far
 * the line is served with them. Passed over without taking a slot: buyers who left, and absent
 * buyers (their page has not checked in for `abandonAfterSeconds`: LAPSED, issue #12), so turns
 * go only to buyers who are there.
 */
async function nextInLine(
  deps: WaitingRoomDeps,
  eventId: string,
  room: WaitingRoomState,
  count: number,
  now: number,
  settings: WaitingRoomSettings,
): Promise<{ admitted: WaitingPlace[]; servedUpTo: number }> {
  // Room for some who left among them; the rest waits for the next advance.
  const { places } = await deps.room.placesAfter(eventId, room.servingPosition, count * 2 + 10);
  const seenBefore = now - settings.abandonAfterSeconds * 1000;
  // A batch being numbered: its numbers are not all written yet, so none of them is a gap.
  const numbering = room.numbering ? room.numbering.from + room.numbering.entries.length - 1 : 0;
  const admitted: WaitingPlace[] = [];
  let servedUpTo = room.servingPosition;
  for (const item of places) {
    if (admitted.length === count) break;
    const gap = item.position !== servedUpTo + 1;
    if (gap && (servedUpTo + 1 <= numbering || now - (item.numberedAt ?? item.joinedAt) < GAP_GRACE_MS)) break;
    servedUpTo = item.position;
    if (item.leftAt !== undefined || item.lapsedAt !== undefined) continue;
    // Noted before the line moves past them; a buyer who checked in meanwhile is there after all.
    if (item.lastSeenAt !== undefined && item.lastSeenAt < seenBefore)
      if (await deps.room.markLapsed(eventId, item.buyerId, now, seenBefore)) continue;
    admitted.push({ buyerId: item.buyerId, position: item.position, joinedAt: item.joinedAt });
  }
  return { admitted, servedUpTo };
}
