import type { SeatView } from './types';

/** The six states a buyer tells apart on the map. */
export type SeatState = 'available' | 'selected' | 'held-by-me' | 'held-by-others' | 'confirmed-by-me' | 'sold';

export interface SeatContext {
  /** Seats of my open order (HOLDING or PAYING). */
  readonly heldByMe: ReadonlySet<string>;
  /** Seats of my confirmed orders. */
  readonly confirmedByMe: ReadonlySet<string>;
  /** What I want: the chosen seats (no order yet) or the changed selection of my hold. */
  readonly wanted: ReadonlySet<string>;
  readonly now: number;
}

/** Seat views carry no order ids: whether a held or sold seat is mine comes from my orders. */
export function seatState(seat: SeatView, context: SeatContext): SeatState {
  if (seat.status === 'SOLD') return context.confirmedByMe.has(seat.seatId) ? 'confirmed-by-me' : 'sold';
  // A lapsed hold is free for anyone, even before the flow releases it (the lock says so too).
  const lapsed = seat.status === 'HELD' && seat.holdExpiresAt !== undefined && seat.holdExpiresAt <= context.now;
  if (seat.status === 'HELD' && !lapsed) return context.heldByMe.has(seat.seatId) ? 'held-by-me' : 'held-by-others';
  return context.wanted.has(seat.seatId) ? 'selected' : 'available';
}

/** Can the buyer toggle it? Held by others, sold and confirmed seats are not theirs to pick. */
export function isPickable(state: SeatState): boolean {
  return state === 'available' || state === 'selected' || state === 'held-by-me';
}

export const STATE_TEXT: Record<SeatState, { short: string; long: string }> = {
  available: { short: 'Free', long: 'available' },
  selected: { short: 'Selected', long: 'selected by you' },
  'held-by-me': { short: 'Held by you', long: 'held by you' },
  'held-by-others': { short: 'Held', long: 'held by someone else' },
  'confirmed-by-me': { short: 'You confirmed', long: 'confirmed for you' },
  sold: { short: 'Sold', long: 'sold' },
};
