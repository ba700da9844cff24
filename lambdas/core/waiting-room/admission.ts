import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isFinal, type OrderStatus } from '../orders/order-record';
import { AdmissionRequired, SoldOut } from '../platform/errors';
import type { Store } from '../platform/store';
import { type PurchaseSlot, updateWaitingRoomState, type WaitingRoomState } from './room-state';
import type { WaitingRoomSettings } from './settings';

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

interface WaitingEntry {
  readonly buyerId: string;
  readonly position: number;
  readonly joinedAt: number;
  /** Set when the buyer left the line before their turn: passed over, no slot taken. */
  readonly leftAt?: number;
}

/**
 * Frees lapsed slots and admits the next buyers in position order, up to the slot limit. Safe
 * to call from anywhere at any time (joins, status reads, order endings): concurrent calls
 * serialise on the queue item's version. Returns the state after the advance.
 */
export async function advanceWaitingRoom(
  store: Store,
  eventId: string,
  settings: WaitingRoomSettings,
): Promise<WaitingRoomState> {
  let admitted: WaitingEntry[] = [];
  const state = await updateWaitingRoomState(store, eventId, async (current) => {
    const now = store.now();
    const active = await keepLiveSlots(store, current.active, now);
    const pruned = Object.keys(active).length !== Object.keys(current.active).length;
    // Sold out: nobody more is let in to an empty map until an order gives seats back.
    const free = current.soldOut ? 0 : settings.maxActivePurchasers - Object.keys(active).length;
    const next =
      free > 0
        ? await nextInLine(store, eventId, current.servingPosition, free, now)
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
    };
  });
  // Marks each admitted buyer, so a later status read tells "served" from "skipped".
  await Promise.all(
    admitted.map((entry) => markAdmitted(store, eventId, entry.buyerId, state.active[entry.buyerId]!.admittedAt)),
  );
  return state;
}

/**
 * Admits a buyer whose position the queue passed without admitting them (their join was still
 * being written when the queue moved past it): they go first, as soon as a slot is free.
 */
export async function admitPassedOver(
  store: Store,
  eventId: string,
  buyerId: string,
  position: number,
  settings: WaitingRoomSettings,
): Promise<WaitingRoomState> {
  let admittedAt: number | undefined;
  const state = await updateWaitingRoomState(store, eventId, async (current) => {
    const now = store.now();
    if (current.active[buyerId] || position > current.servingPosition) return undefined;
    const active = await keepLiveSlots(store, current.active, now);
    if (Object.keys(active).length >= settings.maxActivePurchasers) return undefined;
    admittedAt = now;
    active[buyerId] = { position, admittedAt: now, until: now + settings.admissionSeconds * 1000 };
    return { ...current, active, admittedCount: current.admittedCount + 1 };
  });
  if (admittedAt !== undefined) await markAdmitted(store, eventId, buyerId, admittedAt, { passedOver: true });
  return state;
}

/**
 * Binds the buyer's slot to the order they start, so the slot lasts as long as the order does.
 * Refuses a buyer without a live slot: this is what keeps anyone from skipping the line.
 * Returns the undo for an order that then could not be created: seats taken gives the buyer
 * their admission back as it was (to choose others); sold out ends it and tells the line.
 */
export async function claimSlotForOrder(
  store: Store,
  eventId: string,
  request: { buyerId: string; orderId: string; holdSeconds: number },
): Promise<(reason: unknown) => Promise<void>> {
  let previous: PurchaseSlot | undefined;
  await updateWaitingRoomState(store, eventId, async (current) => {
    const slot = current.active[request.buyerId];
    const now = store.now();
    if (!slot || (slot.orderId === undefined && slot.until < now)) throw new AdmissionRequired();
    previous = slot;
    if (slot.orderId === request.orderId) return undefined;
    const claimed: PurchaseSlot = {
      ...slot,
      orderId: request.orderId,
      until: now + request.holdSeconds * 1000 + ORDER_SLOT_GRACE_MS,
    };
    return { ...current, active: { ...current.active, [request.buyerId]: claimed } };
  });
  return async (reason) => {
    await updateWaitingRoomState(store, eventId, async (current) => {
      if (!previous || current.active[request.buyerId]?.orderId !== request.orderId) return undefined;
      if (!(reason instanceof SoldOut))
        return { ...current, active: { ...current.active, [request.buyerId]: previous } };
      const { [request.buyerId]: _done, ...active } = current.active;
      return { ...current, active, soldOut: true };
    });
  };
}

/**
 * Frees the slot an ended order held, then admits whoever is next. An order that ended without
 * a sale gave its seats back: the line is no longer sold out.
 */
export async function releaseSlot(
  store: Store,
  eventId: string,
  settings: WaitingRoomSettings,
  order: { buyerId: string; orderId: string; seatsFreed?: boolean },
): Promise<void> {
  await updateWaitingRoomState(store, eventId, async (current) => {
    const mine = current.active[order.buyerId]?.orderId === order.orderId;
    const unsold = order.seatsFreed === true && current.soldOut === true;
    if (!mine && !unsold) return undefined;
    const { [order.buyerId]: _released, ...rest } = current.active;
    return { ...current, active: mine ? rest : current.active, soldOut: unsold ? false : current.soldOut };
  });
  await advanceWaitingRoom(store, eventId, settings);
}

/**
 * A buyer leaves the line: an unused admission is given back at once; a place not yet served is
 * marked, and the queue passes over it. An admission bound to an order stays with the order.
 */
export async function giveUpPlace(
  store: Store,
  eventId: string,
  settings: WaitingRoomSettings,
  buyerId: string,
): Promise<void> {
  await store.doc
    .send(
      new UpdateCommand({
        TableName: store.tables.buyers,
        Key: { eventId, buyerId },
        UpdateExpression: 'SET leftAt = :now',
        ConditionExpression: 'attribute_exists(#position)',
        ExpressionAttributeNames: { '#position': 'position' },
        ExpressionAttributeValues: { ':now': store.now() },
      }),
    )
    .catch((error: unknown) => {
      if (!(error instanceof ConditionalCheckFailedException)) throw error; // never joined: nothing to leave
    });
  await updateWaitingRoomState(store, eventId, async (current) => {
    const slot = current.active[buyerId];
    if (!slot || slot.orderId !== undefined) return undefined;
    const { [buyerId]: _left, ...active } = current.active;
    return { ...current, active };
  });
  await advanceWaitingRoom(store, eventId, settings);
}

/**
 * The slots still in use: an admission within its window, or an order not yet ended. A slot's
 * order is looked up only once its safety deadline passed (normally the order's end frees it).
 */
async function keepLiveSlots(
  store: Store,
  slots: Readonly<Record<string, PurchaseSlot>>,
  now: number,
): Promise<Record<string, PurchaseSlot>> {
  const live: Record<string, PurchaseSlot> = {};
  await Promise.all(
    Object.entries(slots).map(async ([buyerId, slot]) => {
      if (slot.until >= now) live[buyerId] = slot;
      else if (slot.orderId !== undefined && !(await hasEnded(store, slot.orderId))) {
        live[buyerId] = { ...slot, until: now + ORDER_SLOT_GRACE_MS };
      }
    }),
  );
  return live;
}

async function hasEnded(store: Store, orderId: string): Promise<boolean> {
  const { Item } = await store.doc.send(
    new GetCommand({
      TableName: store.tables.orders,
      Key: { orderId },
      ProjectionExpression: '#status',
      ExpressionAttributeNames: { '#status': 'status' },
    }),
  );
  return Item === undefined || isFinal(Item.status as OrderStatus);
}

/**
 * The next `count` waiting buyers after `servingPosition`, stopping at a fresh gap, and how far
 * the line is served with them (buyers who left are passed over without taking a slot).
 */
async function nextInLine(
  store: Store,
  eventId: string,
  servingPosition: number,
  count: number,
  now: number,
): Promise<{ admitted: WaitingEntry[]; servedUpTo: number }> {
  const { Items = [] } = await store.doc.send(
    new QueryCommand({
      TableName: store.tables.buyers,
      IndexName: 'byPosition',
      KeyConditionExpression: 'eventId = :eventId AND #position > :serving',
      ExpressionAttributeNames: { '#position': 'position' },
      ExpressionAttributeValues: { ':eventId': eventId, ':serving': servingPosition },
      // Room for some who left among them; the rest waits for the next advance.
      Limit: count * 2 + 10,
    }),
  );
  const admitted: WaitingEntry[] = [];
  let servedUpTo = servingPosition;
  for (const item of Items as WaitingEntry[]) {
    if (admitted.length === count) break;
    if (item.position !== servedUpTo + 1 && now - item.joinedAt < GAP_GRACE_MS) break;
    servedUpTo = item.position;
    if (item.leftAt === undefined)
      admitted.push({ buyerId: item.buyerId, position: item.position, joinedAt: item.joinedAt });
  }
  return { admitted, servedUpTo };
}

/** `passedOver`: admitted out of turn, after the line had passed their place (operators see it). */
async function markAdmitted(
  store: Store,
  eventId: string,
  buyerId: string,
  admittedAt: number,
  options: { passedOver?: boolean } = {},
): Promise<void> {
  await store.doc.send(
    new UpdateCommand({
      TableName: store.tables.buyers,
      Key: { eventId, buyerId },
      UpdateExpression: options.passedOver
        ? 'SET admittedAt = :admittedAt, passedOver = :true'
        : 'SET admittedAt = :admittedAt',
      ExpressionAttributeValues: { ':admittedAt': admittedAt, ...(options.passedOver ? { ':true': true } : {}) },
    }),
  );
}
