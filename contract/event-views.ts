/** Events and seats as anyone may see them (docs/API.md, "Events"): shared by the API and the browser. Types only. */

import type { PriceLevel } from './price-levels';

export type SeatStatus = 'AVAILABLE' | 'HELD' | 'SOLD';

/** `SeatView`: no order ids; whether a held or sold seat is mine comes from my orders' `seatIds`. */
export interface SeatView {
  readonly seatId: string;
  readonly rowIndex: number;
  readonly number: number;
  readonly status: SeatStatus;
  readonly version: number;
  readonly holdExpiresAt?: number;
}

export interface EventInfo {
  readonly eventId: string;
  readonly name: string;
  readonly venue?: string;
  readonly startsAt?: string;
  readonly rows: number;
  readonly seatsPerRow: number;
  /** The price of a seat in a row no price level covers. */
  readonly priceCents: number;
  /** Prices by row range (contract/price-levels.ts: `seatPriceCents`, `priceRange`); absent: every seat costs `priceCents`. */
  readonly priceLevels?: readonly PriceLevel[];
  readonly currency: string;
  readonly holdSeconds: number;
  readonly maxSeatsPerOrder: number;
  readonly status?: string;
  readonly seatCount?: number;
  /** ISO 8601: orders are refused before it. */
  readonly salesStartAt?: string;
  /** In the listing only: free seats from the availability summary (a hint; absent without one). */
  readonly seatsLeft?: number;
  /** A FIFO waiting room in front of the sale (docs/API.md, "Waiting room"); none when absent. */
  readonly waitingRoom?: WaitingRoomInfo;
}

export interface WaitingRoomInfo {
  readonly enabled: boolean;
  readonly maxActivePurchasers: number;
  readonly admissionSeconds: number;
}

export interface EventSnapshot {
  readonly event: EventInfo;
  readonly seats: readonly SeatView[];
  /** The live map's version these seats are at (see `SeatsMessage.baseVersion`). */
  readonly mapVersion?: number;
  readonly servedAt: number;
}
