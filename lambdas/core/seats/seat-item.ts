/** A seat item in the seats table: the unit of locking. */

import type { SeatStatus } from '../../../contract/event-views';

export type { SeatStatus };

export interface SeatItem {
  readonly eventId: string;
  readonly seatId: string;
  readonly rowIndex: number;
  readonly number: number;
  readonly status: SeatStatus;
  /** The holding or buying order; absent while AVAILABLE. */
  readonly orderId?: string;
  /** Epoch ms; a HELD seat whose hold has passed is free for anyone, released or not. */
  readonly holdExpiresAt?: number;
  /** Incremented by every write, so viewers can drop stale updates. */
  readonly version: number;
  readonly updatedAt: number;
}

/**
 * What the seat is right now. A lapsed hold counts as AVAILABLE even before anything releases
 * it, so a crashed or slow order flow can never strand a seat.
 */
export function effectiveStatus(seat: Pick<SeatItem, 'status' | 'holdExpiresAt'>, now: number): SeatStatus {
  if (seat.status === 'HELD' && (seat.holdExpiresAt ?? 0) < now) return 'AVAILABLE';
  return seat.status;
}

export function isHeldBy(seat: Pick<SeatItem, 'status' | 'orderId'>, orderId: string): boolean {
  return seat.status === 'HELD' && seat.orderId === orderId;
}
