import type { BuyerWaitingRoomStatus } from '../../../contract/waiting-room-view';
import type { EventRecord } from '../events/event-records';
import { signAdmission } from './admission-token';
import type { WaitingRoomState } from './room-state';
import { checkInEverySeconds, type WaitingRoomSettings } from './settings';
import type { WaitingRoomPlace } from './waiting-room-repository';

/**
 * What a buyer is told of their place (pure, but for signing the admission token of an admitted
 * buyer): the state, the people ahead, the estimated wait and the measured admission rate.
 */

export async function statusOf(
  event: EventRecord,
  settings: WaitingRoomSettings,
  buyerId: string,
  place: WaitingRoomPlace | 'joining' | undefined,
  state: WaitingRoomState,
  signingKey: string,
  now: number,
): Promise<BuyerWaitingRoomStatus> {
  const activePurchasers = Object.keys(state.active).length;
  const rate = admissionsPerMinute(state, now);
  const common = {
    eventId: event.eventId,
    servingPosition: state.servingPosition,
    activePurchasers,
    maxActivePurchasers: settings.maxActivePurchasers,
    soldOut: state.soldOut === true,
    ...(event.salesStartAt ? { salesStartAt: event.salesStartAt } : {}),
    checkInEverySeconds: checkInEverySeconds(settings),
    ...(rate === undefined ? {} : { admissionsPerMinute: rate }),
  };
  if (!place) return { ...common, state: 'NOT_JOINED', peopleAhead: 0 };
  // In line, the number not written yet ("taking your place in line"): everyone numbered is ahead.
  if (place === 'joining')
    return { ...common, state: 'WAITING', peopleAhead: Math.max(0, (state.issued ?? 0) - state.servingPosition) };
  const slot = state.active[buyerId];
  if (slot && slot.position === place.position) {
    const expiresAt = slot.until;
    const admissionToken = await signAdmission(signingKey, {
      buyerId,
      eventId: event.eventId,
      position: slot.position,
      expiresAt,
    });
    return {
      ...common,
      state: slot.orderId || place.orderId ? 'PURCHASING' : 'ADMITTED',
      position: place.position,
      peopleAhead: 0,
      admissionToken,
      admissionExpiresAt: expiresAt,
    };
  }
  if (place.leftAt !== undefined) return { ...common, state: 'LEFT', position: place.position, peopleAhead: 0 };
  if (place.lapsedAt !== undefined) return { ...common, state: 'LAPSED', position: place.position, peopleAhead: 0 };
  if (place.position <= state.servingPosition)
    return {
      ...common,
      state: place.admittedAt === undefined ? 'WAITING' : 'DONE',
      position: place.position,
      peopleAhead: 0,
    };
  const peopleAhead = place.position - state.servingPosition - 1;
  return {
    ...common,
    state: 'WAITING',
    position: place.position,
    peopleAhead,
    estimatedWaitSeconds: estimateWait(peopleAhead, settings, event, rate),
  };
}

/** Admission needs this many admissions and this long before its measured rate is used. */
const RATE_MIN_ADMISSIONS = 5;
const RATE_MIN_MS = 10_000;

/** The measured admission rate since the first admission (per minute), once there is enough to measure. */
export function admissionsPerMinute(state: WaitingRoomState, now: number): number | undefined {
  if (state.firstAdmittedAt === undefined) return undefined;
  const elapsed = now - state.firstAdmittedAt;
  if (state.admittedCount < RATE_MIN_ADMISSIONS || elapsed < RATE_MIN_MS) return undefined;
  return Math.round((state.admittedCount / elapsed) * 60_000 * 10) / 10;
}

/**
 * A rough wait: from the measured admission rate once there is one; before that, each slot
 * serves one buyer per "purchase time", taken as half the hold time (most buyers pay well
 * before their hold runs out). Shown as an estimate, never promised.
 */
function estimateWait(
  peopleAhead: number,
  settings: WaitingRoomSettings,
  event: EventRecord,
  perMinute: number | undefined,
): number {
  if (perMinute !== undefined && perMinute > 0) return Math.ceil(((peopleAhead + 1) / perMinute) * 60);
  const purchaseSeconds = Math.max(30, event.holdSeconds / 2);
  return Math.ceil(((peopleAhead + 1) / settings.maxActivePurchasers) * purchaseSeconds);
}
