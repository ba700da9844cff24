/** The shapes of docs/API.md as the browser sees them: the shared ones come from contract/, the rest are the page's own. */

export type { EventInfo, EventSnapshot, SeatStatus, SeatView, WaitingRoomInfo } from '../../contract/event-views';
export type {
  LiveMessage,
  SeatDelta,
  SeatMapSnapshot,
  SeatsMessage,
  WaitingRoomMessage,
} from '../../contract/live-messages';
export type { OrderStatus, OrderView, PaymentStatus } from '../../contract/order-view';

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
export type {
  BuyerWaitingRoomState,
  BuyerWaitingRoomStatus,
  WaitingRoomCounter,
} from '../../contract/waiting-room-view';
