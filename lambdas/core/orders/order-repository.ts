import type { OrderRecord, OrderStatus } from './order-record';

/**
 * The port in front of the orders table. Every transition is guarded by the statuses the order
 * may leave (and, optionally, by named expectations on the record): the DynamoDB adapter is
 * `orderRepository(store)` (order-store.ts), the in-memory fake `test/support/fakes/`.
 */
export interface OrderRepository {
  /** The order (a consistent read unless asked otherwise); `OrderNotFound` when there is none. */
  get(orderId: string, options?: { consistent?: boolean }): Promise<OrderRecord>;
  /** The order, or undefined when there is none (e.g. a claim pointing at an order never written). */
  find(orderId: string): Promise<OrderRecord | undefined>;
  /** Only the status (an eventually consistent read); undefined when there is no such order. */
  statusOf(orderId: string): Promise<OrderStatus | undefined>;
  /** Writes a new order; a retry with the same order id returns the order already written. */
  putNew(order: OrderRecord): Promise<OrderRecord>;
  /**
   * Applies a change if the order is in one of `change.from` (and meets `change.expect`); throws
   * `OrderStateConflict` otherwise, `OrderNotFound` when there is no such order. Sets `updatedAt`,
   * adds 1 to `version` and returns the order as it is after the change.
   */
  update(orderId: string, change: OrderChange): Promise<OrderRecord>;
}

export interface OrderChange {
  /** Attributes to set; dotted names reach into maps, e.g. `payment.status`. */
  readonly set?: Record<string, unknown>;
  readonly remove?: readonly string[];
  /** Numbers to add to, e.g. `{ 'payment.round': 1 }` (the attribute must exist). */
  readonly increment?: Record<string, number>;
  /** The statuses the order may be in for the change to apply. */
  readonly from: readonly OrderStatus[];
  /** What else must hold for the change to apply (every field given, all of them). */
  readonly expect?: OrderExpectation;
}

/** Named conditions on an order beyond its status; each field given must hold. */
export interface OrderExpectation {
  /** The order waits for the buyer with this task token. */
  readonly taskToken?: string;
  /** The order holds no task token. */
  readonly withoutTaskToken?: true;
  /** Nothing wrote the order since this version. */
  readonly version?: number;
  readonly failureReason?: string;
  /** Processor attempts recorded for the current pay request. */
  readonly paymentAttempt?: number;
  /** The current pay request's key (`payment.intent.key`). */
  readonly intentKey?: string;
  /** No charge recorded yet (`payment.chargeId` absent). */
  readonly uncharged?: true;
  /** No charge recorded yet, or this very one. */
  readonly unchargedOr?: string;
  /** A charge is recorded (`payment.chargeId` present). */
  readonly charged?: true;
}
