import {
  type Arrival,
  arrivalKey,
  emptyWaitingRoomState,
  type OrderBinding,
  type PlaceAdmission,
  type WaitingPlace,
  type WaitingRoomPlace,
  type WaitingRoomRepository,
  type WaitingRoomState,
  type WaitingRoomStateChange,
} from '../../../lambdas/core/waiting-room/waiting-room-repository';

interface BuyerItem {
  position?: number;
  joinedAt?: number;
  arrival?: string;
  numberedAt?: number;
  admittedAt?: number;
  passedOver?: boolean;
  leftAt?: number;
  lastSeenAt?: number;
  lapsedAt?: number;
  preQueuedAt?: number;
  admissionUntil?: number;
  admissionOrderId?: string;
  orderUntil?: number;
  admissionEndedAt?: number;
}

/**
 * The waiting room's data in memory, with the DynamoDB adapter's semantics: the room item is
 * written only over the version read (false otherwise), a buyer is placed once, a place is
 * given up only while it is still the one seen. Unlike the `byPosition` and `byArrival` indexes,
 * `placesAfter` and `arrivals` are always up to date (the ideal store the policy must also be
 * right on); `hiddenArrivals` hides entries from `arrivals` as a lagging index would.
 */
export class FakeWaitingRoomRepository implements WaitingRoomRepository {
  readonly rooms = new Map<string, WaitingRoomState>();
  readonly buyers = new Map<string, BuyerItem>();
  /** Buyer ids `arrivals` does not list yet (the index lags behind the table). */
  readonly hiddenArrivals = new Set<string>();
  /** Room writes refused for a stale version, for tests of the optimistic retry. */
  conflicts = 0;
  /** Called before each room write is decided: a test can let a rival write first. */
  beforeWrite?: (eventId: string) => void;

  async readState(eventId: string): Promise<WaitingRoomState> {
    return structuredClone(this.rooms.get(eventId) ?? emptyWaitingRoomState(eventId));
  }

  async writeState(read: WaitingRoomState, next: WaitingRoomStateChange, updatedAt: number): Promise<boolean> {
    this.beforeWrite?.(read.eventId);
    const current = this.rooms.get(read.eventId);
    if ((current?.version ?? 0) !== read.version) {
      this.conflicts++;
      return false;
    }
    this.rooms.set(read.eventId, structuredClone({ ...next, version: read.version + 1, updatedAt }));
    return true;
  }

  async readPlace(eventId: string, buyerId: string): Promise<WaitingRoomPlace | undefined> {
    const item = this.buyers.get(key(eventId, buyerId));
    if (item?.position === undefined) return undefined;
    return {
      buyerId,
      position: item.position,
      joinedAt: item.joinedAt as number,
      ...(item.admittedAt === undefined ? {} : { admittedAt: item.admittedAt }),
      ...(item.leftAt === undefined ? {} : { leftAt: item.leftAt }),
      ...(item.lastSeenAt === undefined ? {} : { lastSeenAt: item.lastSeenAt }),
      ...(item.lapsedAt === undefined ? {} : { lapsedAt: item.lapsedAt }),
      ...(item.admissionUntil === undefined ? {} : { admissionUntil: item.admissionUntil }),
      ...(item.admissionOrderId === undefined ? {} : { orderId: item.admissionOrderId }),
      ...(item.orderUntil === undefined ? {} : { orderUntil: item.orderUntil }),
      ...(item.admissionEndedAt === undefined ? {} : { admissionEndedAt: item.admissionEndedAt }),
    };
  }

  async enqueue(eventId: string, buyerId: string, at: number): Promise<boolean> {
    const item = this.item(eventId, buyerId);
    if (item.position !== undefined || item.arrival !== undefined) return false;
    Object.assign(item, { arrival: arrivalKey(at, buyerId), joinedAt: at, lastSeenAt: at });
    return true;
  }

  async requeue(eventId: string, buyerId: string, position: number, at: number): Promise<boolean> {
    const item = this.buyers.get(key(eventId, buyerId));
    if (item?.position !== position) return false;
    for (const name of USED_PLACE) delete item[name];
    Object.assign(item, { arrival: arrivalKey(at, buyerId), joinedAt: at, lastSeenAt: at });
    return true;
  }

  async readArrival(eventId: string, buyerId: string): Promise<Arrival | undefined> {
    const item = this.buyers.get(key(eventId, buyerId));
    if (item?.arrival === undefined || item.position !== undefined) return undefined;
    return { buyerId, arrival: item.arrival, joinedAt: item.joinedAt as number };
  }

  async arrivals(eventId: string, limit: number): Promise<Arrival[]> {
    return this.entriesOf(eventId)
      .filter(([buyerId, item]) => item.arrival !== undefined && !this.hiddenArrivals.has(buyerId))
      .map(([buyerId, item]) => ({ buyerId, arrival: item.arrival as string, joinedAt: item.joinedAt as number }))
      .sort((a, b) => (a.arrival < b.arrival ? -1 : 1))
      .slice(0, limit);
  }

  async confirmArrivals(eventId: string, listed: readonly Arrival[]): Promise<Arrival[]> {
    return listed
      .filter(({ buyerId, arrival }) => {
        const item = this.buyers.get(key(eventId, buyerId));
        return item?.arrival === arrival && item.position === undefined;
      })
      .sort((a, b) => (a.arrival < b.arrival ? -1 : 1));
  }

  async numberPlace(eventId: string, buyerId: string, position: number, arrival: string, at: number): Promise<boolean> {
    const item = this.buyers.get(key(eventId, buyerId));
    if (item?.arrival !== arrival || item.position !== undefined) return false;
    Object.assign(item, { position, numberedAt: at });
    delete item.arrival;
    return true;
  }

  async placeBuyer(eventId: string, buyerId: string, position: number, joinedAt: number): Promise<boolean> {
    const item = this.item(eventId, buyerId);
    if (item.position !== undefined) return false;
    Object.assign(item, { position, joinedAt, lastSeenAt: item.lastSeenAt ?? joinedAt });
    delete item.arrival;
    return true;
  }

  async markAdmitted(eventId: string, buyerId: string, admission: PlaceAdmission): Promise<void> {
    const item = this.buyers.get(key(eventId, buyerId));
    if (item?.position !== admission.position) return;
    Object.assign(item, {
      admittedAt: admission.admittedAt,
      admissionUntil: admission.until,
      ...(admission.passedOver ? { passedOver: true } : {}),
    });
  }

  async bindOrder(eventId: string, buyerId: string, binding: OrderBinding): Promise<boolean> {
    const item = this.buyers.get(key(eventId, buyerId));
    const live =
      item?.position === binding.position &&
      item.admissionUntil !== undefined &&
      item.admissionUntil >= binding.now &&
      item.leftAt === undefined &&
      item.admissionEndedAt === undefined;
    if (!live) return false;
    if (item.admissionOrderId !== undefined && item.admissionOrderId !== binding.replacing) return false;
    Object.assign(item, { admissionOrderId: binding.orderId, orderUntil: binding.until });
    return true;
  }

  async unbindOrder(eventId: string, buyerId: string, orderId: string, endedAt?: number): Promise<boolean> {
    const item = this.buyers.get(key(eventId, buyerId));
    if (item?.admissionOrderId !== orderId) return false;
    delete item.admissionOrderId;
    delete item.orderUntil;
    if (endedAt !== undefined) item.admissionEndedAt = endedAt;
    return true;
  }

  async endAdmission(eventId: string, buyerId: string, position: number, endedAt: number): Promise<boolean> {
    const item = this.buyers.get(key(eventId, buyerId));
    if (item?.position !== position || item.admittedAt === undefined || item.admissionOrderId !== undefined)
      return false;
    item.admissionEndedAt = endedAt;
    return true;
  }

  async markLeft(eventId: string, buyerId: string, leftAt: number): Promise<boolean> {
    const item = this.buyers.get(key(eventId, buyerId));
    if (item?.position === undefined && item?.arrival === undefined) return false;
    item.leftAt = leftAt;
    return true;
  }

  async placesAfter(
    eventId: string,
    position: number,
    limit: number,
  ): Promise<{ places: WaitingPlace[]; more: boolean }> {
    const after = [...this.buyers.entries()]
      .filter(
        ([k, item]) => k.startsWith(`${eventId}\u0000`) && item.position !== undefined && item.position > position,
      )
      .map(
        ([k, item]): WaitingPlace => ({
          buyerId: k.slice(eventId.length + 1),
          position: item.position as number,
          joinedAt: item.joinedAt as number,
          ...(item.leftAt === undefined ? {} : { leftAt: item.leftAt }),
          ...(item.lastSeenAt === undefined ? {} : { lastSeenAt: item.lastSeenAt }),
          ...(item.lapsedAt === undefined ? {} : { lapsedAt: item.lapsedAt }),
          ...(item.numberedAt === undefined ? {} : { numberedAt: item.numberedAt }),
        }),
      )
      .sort((a, b) => a.position - b.position);
    // Like a Query's page: `more` when the page is full (the index may hold more).
    return { places: after.slice(0, limit), more: after.length >= limit };
  }

  async preQueue(eventId: string, buyerId: string, at: number): Promise<boolean> {
    const item = this.item(eventId, buyerId);
    if (item.position !== undefined || item.arrival !== undefined || item.preQueuedAt !== undefined) return false;
    Object.assign(item, { preQueuedAt: at, arrival: arrivalKey(at, buyerId), joinedAt: at, lastSeenAt: at });
    return true;
  }

  async readPreQueue(eventId: string, buyerId: string): Promise<number | undefined> {
    return this.buyers.get(key(eventId, buyerId))?.preQueuedAt;
  }

  async preQueued(eventId: string): Promise<{ buyerId: string; joinedAt: number; position?: number }[]> {
    return this.entriesOf(eventId)
      .filter(([, item]) => item.preQueuedAt !== undefined)
      .map(([buyerId, item]) => ({
        buyerId,
        joinedAt: item.preQueuedAt as number,
        ...(item.position === undefined ? {} : { position: item.position }),
      }));
  }

  async checkIn(eventId: string, buyerId: string, now: number, staleBefore: number): Promise<boolean> {
    const item = this.buyers.get(key(eventId, buyerId));
    if (!item || (item.position === undefined && item.arrival === undefined && item.preQueuedAt === undefined))
      return false;
    if (item.lastSeenAt !== undefined && item.lastSeenAt >= staleBefore) return false;
    item.lastSeenAt = now;
    return true;
  }

  async markLapsed(eventId: string, buyerId: string, lapsedAt: number, seenBefore: number): Promise<boolean> {
    const item = this.buyers.get(key(eventId, buyerId));
    if (item?.position === undefined || (item.lastSeenAt !== undefined && item.lastSeenAt >= seenBefore)) return false;
    item.lapsedAt = lapsedAt;
    return true;
  }

  async countWaiting(eventId: string, position: number, seenSince: number): Promise<number> {
    return this.entriesOf(eventId).filter(
      ([, item]) =>
        item.position !== undefined &&
        item.position > position &&
        item.leftAt === undefined &&
        item.lapsedAt === undefined &&
        (item.lastSeenAt ?? 0) >= seenSince,
    ).length;
  }

  /** A buyer item as the table holds it (tests look at `passedOver`). */
  buyer(eventId: string, buyerId: string): BuyerItem | undefined {
    return this.buyers.get(key(eventId, buyerId));
  }

  private entriesOf(eventId: string): [string, BuyerItem][] {
    return [...this.buyers.entries()]
      .filter(([k]) => k.startsWith(`${eventId}\u0000`))
      .map(([k, item]) => [k.slice(eventId.length + 1), item]);
  }

  private item(eventId: string, buyerId: string): BuyerItem {
    const item = this.buyers.get(key(eventId, buyerId)) ?? {};
    this.buyers.set(key(eventId, buyerId), item);
    return item;
  }
}

/** What a rejoin clears of the used place (preQueuedAt stays, for the draw's audit). */
const USED_PLACE = [
  'position',
  'admittedAt',
  'passedOver',
  'leftAt',
  'lapsedAt',
  'admissionUntil',
  'admissionOrderId',
  'orderUntil',
  'admissionEndedAt',
  'numberedAt',
] as const;

const key = (eventId: string, id: string) => `${eventId}\u0000${id}`;
