import { isFinal } from '../orders/order-record';
import { AdmissionRequired, SoldOut } from '../platform/errors';
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
 */

/**
 * A missing position (a join that lost a race, or one still being written) holds the line this
 * long before it is skipped, so a slow join is not overtaken by the next one.
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
    const active = await keepLiveSlots(deps, current.active, now);
    const pruned = current !== read || Object.keys(active).length !== Object.keys(current.active).length;
    // Sold out: nobody more is let in to an empty map until an order gives seats back. A fair
    // start admits nobody until its draw has written every drawn place (no gap is skipped early).
    const drawPending = settings.salesStartAt !== undefined && !current.draw?.complete;
    const free = current.soldOut || drawPending ? 0 : settings.maxActivePurchasers - Object.keys(active).length;
    const next =
      free > 0
        ? await nextInLine(deps, eventId, current.servingPosition, free, now, settings)
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
  await Promise.all(
    admitted.map((entry) => deps.room.markAdmitted(eventId, entry.buyerId, state.active[entry.buyerId]!.admittedAt)),
  );
  return state;
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
    const active = await keepLiveSlots(deps, current.active, now);
    if (Object.keys(active).length >= settings.maxActivePurchasers) return undefined;
    admittedAt = now;
    active[buyerId] = { position, admittedAt: now, until: now + settings.admissionSeconds * 1000 };
    return { ...current, active, admittedCount: current.admittedCount + 1 };
  });
  if (admittedAt !== undefined) await deps.room.markAdmitted(eventId, buyerId, admittedAt, { passedOver: true });
  return state;
}

/**
 * Binds the buyer's slot to the order they start, so the slot lasts as long as the order does.
 * Refuses a buyer without a live slot of the admission their token stands for (`position`): this
 * is what keeps anyone from skipping the line.
 *
 * One admission, one order: a slot already bound to another order is never rebound, whatever the
 * orders stream's lag (the stream frees the slot some time after the order ended). If that order
 * ended, the slot is freed here at once (the buyer needs a new turn, at the back of the line); if
 * it still runs, it keeps its slot. Only an order that was never written (its create died after
 * the claim, and its undo was lost) consumed nothing: the slot is bound to the new order.
 *
 * Returns the undo for an order that then could not be created: seats taken (or fewer seats left
 * than asked for) gives the buyer their admission back as it was; nothing left ends it.
 */
export async function claimSlotForOrder(
  source: WaitingRoomSource,
  eventId: string,
  request: { buyerId: string; position: number; orderId: string; holdSeconds: number },
): Promise<(reason: unknown) => Promise<void>> {
  const deps = waitingRoomDeps(source);
  let previous: PurchaseSlot | undefined;
  let usedBy: string | undefined;
  await updateWaitingRoomState(deps, eventId, async (current) => {
    const slot = current.active[request.buyerId];
    const now = deps.now();
    usedBy = undefined;
    if (!slot || slot.position !== request.position || (slot.orderId === undefined && slot.until < now))
      throw new AdmissionRequired();
    previous = slot;
    if (slot.orderId === request.orderId) return undefined;
    if (slot.orderId !== undefined) {
      const status = await deps.orders.statusOf(slot.orderId);
      if (status !== undefined) {
        usedBy = slot.orderId;
        if (!isFinal(status)) return undefined; // its order runs: the slot stays with it
        const { [request.buyerId]: _used, ...active } = current.active;
        return { ...current, active }; // its order ended: the slot is free for the next buyer
      }
    }
    const claimed: PurchaseSlot = {
      ...slot,
      orderId: request.orderId,
      until: now + request.holdSeconds * 1000 + ORDER_SLOT_GRACE_MS,
    };
    return { ...current, active: { ...current.active, [request.buyerId]: claimed } };
  });
  if (usedBy !== undefined)
    throw new AdmissionRequired(
      `Your admission was used by order ${usedBy}: one admission buys once. Join the waiting room again for a new turn`,
    );
  return async (reason) => {
    await updateWaitingRoomState(deps, eventId, async (current) => {
      if (!previous || current.active[request.buyerId]?.orderId !== request.orderId) return undefined;
      // Seats taken, or fewer left than asked for: the admission as it was, to choose again.
      if (!(reason instanceof SoldOut) || reason.available > 0)
        return { ...current, active: { ...current.active, [request.buyerId]: previous } };
      // Nothing left: the admission ends. The line's sold-out state is not set from one refusal
      // (issue #12): it follows the availability summary as orders end (releaseSlot).
      const { [request.buyerId]: _done, ...active } = current.active;
      return { ...current, active };
    });
  };
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
 * read) decides; without either it stays.
 */
export async function releaseSlots(
  source: WaitingRoomSource,
  eventId: string,
  settings: WaitingRoomSettings,
  orders: readonly { buyerId: string; orderId: string; seatsFreed?: boolean }[],
  seatsLeft?: number,
): Promise<void> {
  const deps = waitingRoomDeps(source);
  await changeAndAdvance(deps, eventId, settings, (current) => {
    const soldOut = orders.some((order) => order.seatsFreed === true)
      ? false
      : seatsLeft !== undefined
        ? seatsLeft === 0
        : current.soldOut === true;
    const active = { ...current.active };
    let released = 0;
    for (const order of orders)
      if (active[order.buyerId]?.orderId === order.orderId) {
        delete active[order.buyerId];
        released++;
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
  let ended = false;
  await updateWaitingRoomState(deps, eventId, async (current) => {
    const slot = current.active[buyerId];
    if (!slot || slot.orderId !== undefined) return undefined;
    ended = true;
    const { [buyerId]: _done, ...active } = current.active;
    return { ...current, active };
  });
  if (ended) await advanceWaitingRoom(deps, eventId, settings);
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
  await deps.room.markLeft(eventId, buyerId, deps.now()); // false: never joined, nothing to leave
  await updateWaitingRoomState(deps, eventId, async (current) => {
    const slot = current.active[buyerId];
    if (!slot || slot.orderId !== undefined) return undefined;
    const { [buyerId]: _left, ...active } = current.active;
    return { ...current, active };
  });
  await advanceWaitingRoom(deps, eventId, settings);
}

/**
 * The slots still in use: an admission within its window, or an order not yet ended. A slot's
 * order is looked up only once its safety deadline passed (normally the order's end frees it).
 */
async function keepLiveSlots(
  deps: WaitingRoomDeps,
  slots: Readonly<Record<string, PurchaseSlot>>,
  now: number,
): Promise<Record<string, PurchaseSlot>> {
  const live: Record<string, PurchaseSlot> = {};
  await Promise.all(
    Object.entries(slots).map(async ([buyerId, slot]) => {
      if (slot.until >= now) live[buyerId] = slot;
      else if (slot.orderId !== undefined && !(await hasEnded(deps, slot.orderId))) {
        live[buyerId] = { ...slot, until: now + ORDER_SLOT_GRACE_MS };
      }
    }),
  );
  return live;
}

async function hasEnded(deps: WaitingRoomDeps, orderId: string): Promise<boolean> {
  const status = await deps.orders.statusOf(orderId);
  return status === undefined || isFinal(status);
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
  servingPosition: number,
  count: number,
  now: number,
  settings: WaitingRoomSettings,
): Promise<{ admitted: WaitingPlace[]; servedUpTo: number }> {
  // Room for some who left among them; the rest waits for the next advance.
  const { places } = await deps.room.placesAfter(eventId, servingPosition, count * 2 + 10);
  const seenBefore = now - settings.abandonAfterSeconds * 1000;
  const admitted: WaitingPlace[] = [];
  let servedUpTo = servingPosition;
  for (const item of places) {
    if (admitted.length === count) break;
    if (item.position !== servedUpTo + 1 && now - item.joinedAt < GAP_GRACE_MS) break;
    servedUpTo = item.position;
    if (item.leftAt !== undefined || item.lapsedAt !== undefined) continue;
    // Noted before the line moves past them; a buyer who checked in meanwhile is there after all.
    if (item.lastSeenAt !== undefined && item.lastSeenAt < seenBefore)
      if (await deps.room.markLapsed(eventId, item.buyerId, now, seenBefore)) continue;
    admitted.push({ buyerId: item.buyerId, position: item.position, joinedAt: item.joinedAt });
  }
  return { admitted, servedUpTo };
}
