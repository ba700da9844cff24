import { EVENT_DATE_PARTS } from '../../contract/event-date';
import { type Priced, priceRange } from '../../contract/price-levels';
import { ApiError } from './api';
import type { OrderView } from './types';

/** Everything the buyer reads about a refusal or an ended order, in plain words. */

export function describeApiError(error: unknown): string {
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
  const seats = listSeats(error.seatIds);
  switch (error.code) {
    case 'SeatsTaken':
      return seats
        ? `Sorry — ${seats} ${error.seatIds.length === 1 ? 'was' : 'were'} just taken by someone else. Pick other seats.`
        : 'Sorry — those seats were just taken by someone else. Pick other seats.';
    case 'SoldOut':
      return 'Not enough seats are left for that many. Try fewer.';
    case 'HoldExpired':
      return 'Your hold has run out, so the seats went back on sale. Choose seats again.';
    case 'TooLateToPay':
      return 'Your hold ends in a moment — too late to start a payment that could keep the seats. Nothing was charged; choose seats again when it ends.';
    case 'InvalidSeat':
      return seats ? `There is no seat ${seats} at this event.` : 'One of those seats does not exist.';
    case 'AdmissionRequired':
      return 'Your turn to buy ended before your order started, so you are back in the waiting room.';
    case 'OrderNotFound':
      return 'That order is not yours or no longer exists.';
    case 'OrderStateConflict':
      return 'Your order just moved on (paid, expired or cancelled); the page shows where it is now.';
    case 'ValidationFailed':
      return error.issues.length > 0 ? `Please check: ${error.issues.join('; ')}.` : error.message;
    case 'Unauthorized':
      return 'Your session ran out. Reload the page to continue.';
    case 'NetworkError':
      return error.message;
    default:
      return error.message || `Something went wrong (${error.code}).`;
  }
}

export function listSeats(seatIds: readonly string[]): string {
  if (seatIds.length === 0) return '';
  if (seatIds.length === 1) return `seat ${seatIds[0]}`;
  return `seats ${seatIds.slice(0, -1).join(', ')} and ${seatIds.at(-1)}`;
}

/** Why an order ended without tickets, or the headline of where it is. */
export function describeOutcome(order: OrderView): { title: string; detail?: string } {
  const seats = listSeats(order.seatIds);
  const reason = order.failureReason ?? order.payment.lastError;
  switch (order.status) {
    case 'CONFIRMED':
      return { title: `You're in! ${capitalize(seats)} confirmed.` };
    case 'EXPIRED':
      return {
        title: 'Your hold ran out',
        detail: `The time to pay for ${seats || 'your seats'} ended, so they went back on sale.${reason ? ` (${reason})` : ''}`,
      };
    case 'CANCELLED':
      return { title: 'Order cancelled', detail: `You let go of ${seats || 'your seats'}; they are on sale again.` };
    case 'FAILED':
      return {
        title: 'The purchase did not go through',
        detail: `${reason ? `${sentence(reason)} ` : ''}Your seats were released${order.payment.status === 'succeeded' ? ' and any charge refunded' : ''}; nothing was charged for tickets you do not have.`,
      };
    case 'PAYING':
      return { title: 'Paying…' };
    case 'HOLDING':
      return { title: `${capitalize(seats)} held for you` };
  }
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const sentence = (text: string) => (/[.!?]$/.test(text) ? text : `${text}.`);

export function formatPrice(cents: number, currency: string): string {
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(cents / 100);
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency}`;
  }
}

/** One price, or the range of an event's price levels: "€45.00–€80.00". */
export function formatPriceRange(event: Priced & { rows: number; currency: string }): string {
  const { min, max } = priceRange(event);
  return min === max
    ? formatPrice(min, event.currency)
    : `${formatPrice(min, event.currency)}–${formatPrice(max, event.currency)}`;
}

/** An event's date and time for people: "Sat, 12 Dec 2026, 20:00" in the browser's language and zone. */
export function formatEventDate(iso: string): string {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso : at.toLocaleString(undefined, EVENT_DATE_PARTS);
}

/** What the listing says of an event's sale: not yet open, sold out, or the seats left. */
export function saleState(event: { salesStartAt?: string; seatsLeft?: number }, now = Date.now()): string | undefined {
  if (event.salesStartAt && Date.parse(event.salesStartAt) > now)
    return `On sale at ${formatEventDate(event.salesStartAt)}`;
  if (event.seatsLeft === 0) return 'Sold out';
  if (event.seatsLeft !== undefined) return `${event.seatsLeft} seat${event.seatsLeft === 1 ? '' : 's'} left`;
  return undefined;
}
