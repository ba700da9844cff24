/** The shapes of docs/API.md as the browser sees them. Order views and live messages come from the core. */

export type { LiveMessage, QueueMessage, SeatDelta } from '../../lambdas/core/live-messages';
export type { OrderStatus, PaymentStatus } from '../../lambdas/core/order';
export type { OrderView } from '../../lambdas/core/order-view';

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
  readonly priceCents: number;
  readonly currency: string;
  readonly holdSeconds: number;
  readonly maxSeatsPerOrder: number;
  readonly status?: string;
  readonly seatCount?: number;
  /** A FIFO waiting room in front of the sale (docs/API.md, "Waiting room"); none when absent. */
  readonly waitingRoom?: WaitingRoomInfo;
}

export interface WaitingRoomInfo {
  readonly enabled: boolean;
  readonly maxActivePurchasers: number;
  readonly admissionSeconds: number;
  readonly positionShards?: number;
}

export interface EventSnapshot {
  readonly event: EventInfo;
  readonly seats: readonly SeatView[];
  readonly servedAt: number;
}

export interface Session {
  readonly buyerId: string;
  readonly token: string;
  /** ISO date or epoch ms, as the API sends it. */
  readonly expiresAt: string | number;
}

export interface AppConfig {
  /** Prefix of the HTTP API ('' = same origin). */
  readonly apiBaseUrl: string;
  readonly websocketUrl: string;
}

/** Where the buyer stands in an event's waiting room (docs/API.md, "Waiting room"). */
export type { BuyerQueueState, BuyerQueueStatus } from '../../lambdas/core/waiting-room/queue-view';
