import type { OrderStatus } from './order-view';

/**
 * The organizer's live dashboard of one event (`GET /api/admin/events/{eventId}/dashboard`, and
 * the `dashboard` WebSocket message): shared by the API, the push and the console. Types only.
 */

export interface DashboardSeats {
  /** Seats of the event. */
  readonly total: number;
  /** AVAILABLE, or HELD by a hold that has lapsed (free for anyone, as everywhere). */
  readonly free: number;
  readonly held: number;
  readonly sold: number;
  /** The live seat map's version the counts come from. */
  readonly mapVersion: number;
}

export interface DashboardRevenue {
  /** Amounts of every order that was confirmed (still CONFIRMED, or refunded since). */
  readonly grossCents: number;
  /** Amounts of the confirmed orders an operator refunded. */
  readonly refundedCents: number;
  /** grossCents − refundedCents: what the confirmed orders keep. */
  readonly netCents: number;
  readonly currency: string;
}

/**
 * Payments, counted per pay request from the orders' payment state: an order's last request is
 * `approved` (succeeded) or `declined` (failed); every earlier request of an order was declined
 * (a buyer pays again only after a refusal). `retrying`: orders whose processor call failed and
 * is being tried again now.
 */
export interface DashboardPayments {
  readonly approved: number;
  readonly declined: number;
  readonly retrying: number;
}

/** The waiting room's figures (the operator queue view's), for an event that has one. */
export interface DashboardWaitingRoom {
  /** After the serving position, still waiting (not left, not lapsed, seen lately). */
  readonly waiting: number;
  readonly servingPosition: number;
  /** Admitted buyers holding a purchase slot now. */
  readonly active: number;
  /** Places given out that were neither admitted nor are still waiting (left, lapsed, passed over). */
  readonly lapsed: number;
  readonly admitted: number;
  readonly soldOut: boolean;
}

/** Tickets of confirmed orders per minute, oldest minute first, ending with the current minute. */
export interface DashboardSales {
  /** Epoch ms of the first minute's start. */
  readonly startsAt: number;
  readonly minuteMs: number;
  readonly tickets: readonly number[];
}

/** An order an operator should look at: its story is `/admin/orders/{orderId}`. */
export interface DashboardAttention {
  readonly orderId: string;
  readonly status: OrderStatus;
  /** In plain words. */
  readonly reason: string;
  /** Epoch ms of the order's last change. */
  readonly since: number;
}

export interface DashboardView {
  readonly eventId: string;
  readonly name: string;
  /** Epoch ms the figures were read. */
  readonly computedAt: number;
  readonly seats: DashboardSeats;
  readonly revenue: DashboardRevenue;
  readonly ordersByStatus: Readonly<Record<OrderStatus, number>>;
  readonly payments: DashboardPayments;
  readonly waitingRoom?: DashboardWaitingRoom;
  readonly sales: DashboardSales;
  /** Newest first, at most `MAX_ATTENTION`; `attentionCount` counts them all. */
  readonly attention: readonly DashboardAttention[];
  readonly attentionCount: number;
}

export const MAX_ATTENTION = 20;
export const SALES_MINUTES = 60;
