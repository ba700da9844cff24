import { isFinal } from '../orders/order-record';
import { updateWaitingRoomState } from './room-state';
import type { WaitingRoomSettings } from './settings';
import type {
  PurchaseSlot,
  WaitingPlace,
  WaitingRoomDeps,
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
export async function changeAndAdvance(
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
