/**
 * Domain errors: every refusal a buyer or operator can meet, with a stable machine-readable
 * `code` (the API maps codes to HTTP statuses) and the seats concerned where that helps.
 */
export type DomainErrorCode =
  | 'ValidationFailed'
  | 'EventNotFound'
  | 'EventExists'
  | 'EventNotEditable'
  | 'InvalidSeat'
  | 'SeatsTaken'
  | 'SoldOut'
  | 'HoldExpired'
  | 'TooLateToPay'
  | 'NotYourOrder'
  | 'AlreadyConfirmed'
  | 'OrderNotFound'
  | 'OrderStateConflict'
  | 'Forbidden'
  | 'AdmissionRequired'
  | 'SalesNotStarted'
  | 'Unauthorized'
  | 'PayloadTooLarge'
  | 'UnsupportedMediaType'
  | 'NotFound'
  | 'MethodNotAllowed'
  | 'TooManyRequests';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly seatIds: readonly string[] = [],
  ) {
    super(message);
    this.name = code;
  }
}

export class ValidationFailed extends DomainError {
  constructor(readonly issues: readonly string[]) {
    super('ValidationFailed', `Invalid input: ${issues.join('; ')}`);
  }
}

export class EventNotFound extends DomainError {
  constructor(eventId: string) {
    super('EventNotFound', `No event ${eventId}`);
  }
}

export class EventExists extends DomainError {
  constructor(eventId: string) {
    super('EventExists', `Event ${eventId} already exists`);
  }
}

/** An edit of an event refused: its sale has begun, its grid is fixed, or someone else changed it first. */
export class EventNotEditable extends DomainError {
  constructor(eventId: string, reason: string) {
    super('EventNotEditable', `Event ${eventId} cannot be edited: ${reason}`);
  }
}

/** The seat does not exist in this event's seat map. */
export class InvalidSeat extends DomainError {
  constructor(seatIds: readonly string[]) {
    super('InvalidSeat', `No such seat: ${seatIds.join(', ')}`, seatIds);
  }
}

/** Another order holds (unexpired) or bought these seats. */
export class SeatsTaken extends DomainError {
  constructor(seatIds: readonly string[]) {
    super('SeatsTaken', `Seats already taken: ${seatIds.join(', ')}`, seatIds);
  }
}

/** Fewer free seats remain than were asked for; `available` is how many are (the API's `seatsLeft`). */
export class SoldOut extends DomainError {
  constructor(
    readonly requested: number,
    readonly available: number,
  ) {
    super(
      'SoldOut',
      available > 0
        ? `Not enough seats: ${requested} requested, ${available} left`
        : `Sold out: ${requested} seat(s) requested, none left`,
    );
  }
}

/** The order's hold on these seats has lapsed and they were released. */
export class HoldExpired extends DomainError {
  constructor(seatIds: readonly string[]) {
    super('HoldExpired', `Hold expired on: ${seatIds.join(', ')}`, seatIds);
  }
}

/**
 * A pay request with too little of the hold left to be sure the seats are still the order's when
 * the payment runs: refused before anything is charged (the buyer may start a new order).
 */
export class TooLateToPay extends DomainError {
  constructor(readonly msLeft: number) {
    super(
      'TooLateToPay',
      `Too late to pay: the hold ends in ${Math.max(0, Math.ceil(msLeft / 1000))} s, not enough for a payment`,
    );
  }
}

/** These seats are held or sold by a different order. */
export class NotYourOrder extends DomainError {
  constructor(seatIds: readonly string[]) {
    super('NotYourOrder', `Seats held or sold by another order: ${seatIds.join(', ')}`, seatIds);
  }
}

/** The order already bought these seats; they can no longer be released or changed. */
export class AlreadyConfirmed extends DomainError {
  constructor(seatIds: readonly string[]) {
    super('AlreadyConfirmed', `Seats already confirmed: ${seatIds.join(', ')}`, seatIds);
  }
}

export class OrderNotFound extends DomainError {
  constructor(orderId: string) {
    super('OrderNotFound', `No order ${orderId}`);
  }
}

/** The order is not in a state that allows this (e.g. paying an expired order). */
export class OrderStateConflict extends DomainError {
  constructor(
    orderId: string,
    expected: readonly string[],
    message = `Order ${orderId} is no longer ${expected.join(' or ')}`,
  ) {
    super('OrderStateConflict', message);
  }
}

/** The caller may not act on this (someone else's order). */
export class Forbidden extends DomainError {
  constructor(message: string) {
    super('Forbidden', message);
  }
}

/** No valid buyer session or admin key. Deliberately vague: it never says which check failed. */
export class Unauthorized extends DomainError {
  constructor(message = 'A valid session token or admin key is required') {
    super('Unauthorized', message);
  }
}

/** The request body is larger than any legitimate request needs. */
export class PayloadTooLarge extends DomainError {
  constructor(limitBytes: number) {
    super('PayloadTooLarge', `The request body is larger than ${limitBytes} bytes`);
  }
}

/** A body that is not JSON (by its content type). */
export class UnsupportedMediaType extends DomainError {
  constructor(contentType: string | undefined) {
    super('UnsupportedMediaType', `Send the body as application/json (got ${contentType ?? 'no content type'})`);
  }
}

/** The event has a waiting room and the buyer holds no valid admission (not yet admitted, or it lapsed). */
export class AdmissionRequired extends DomainError {
  constructor(message = 'Wait for your turn in the waiting room before buying') {
    super('AdmissionRequired', message);
  }
}

/** The event's sale opens at `salesStartAt`: no order before it (the waiting room's pre-queue is open). */
export class SalesNotStarted extends DomainError {
  constructor(readonly salesStartAt: string) {
    super('SalesNotStarted', `The sale opens at ${salesStartAt}: no orders before then`);
  }
}

/** No route of the API has this path (the `$default` catch-all answers it). */
/** No such ticket of this order (or not the caller's order): 404, as for an unknown order. */
export class TicketNotFound extends DomainError {
  constructor(ticketId: string) {
    super('NotFound', `No ticket ${ticketId}`);
  }
}

export class RouteNotFound extends DomainError {
  constructor(method: string, path: string) {
    // The path is the caller's own input: echoed for them, but never at any length.
    super('NotFound', `No route ${method} ${path.length > 200 ? `${path.slice(0, 200)}…` : path}`);
  }
}

/** The path is a route of the API, but not with this method; `allowed` are the ones it has. */
export class MethodNotAllowed extends DomainError {
  constructor(
    method: string,
    readonly allowed: readonly string[],
  ) {
    super('MethodNotAllowed', `${method} is not allowed here; use ${allowed.join(' or ')}`);
  }
}

/** Over an abuse limit (sessions or waiting-room joins per client address): try again after `retryAfterSeconds`. */
export class TooManyRequests extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super('TooManyRequests', `Too many requests from your address; try again in ${retryAfterSeconds} s`);
  }
}
