import type { Store } from '../platform/store';
import { ticketsOfEvent } from '../tickets/ticket-store';
import { ordersOfEvent } from './event-report';

/**
 * "Who got tickets" as CSV (RFC 4180): one line per ticket, VALID and VOIDED alike — an organizer
 * at the door wants to see a refunded seat too — in the order the orders were made, seat order within.
 */

const HEADER = ['orderId', 'seatId', 'buyerId', 'ticketId', 'state', 'checkedInAt', 'checkedInBy'] as const;

export async function ticketsCsv(store: Store, eventId: string): Promise<string> {
  const [orders, tickets] = await Promise.all([ordersOfEvent(store, eventId), ticketsOfEvent(store, eventId)]);
  const rows = orders.flatMap((order) =>
    order.seatIds.flatMap((seatId) =>
      tickets
        .filter((t) => t.orderId === order.orderId && t.seatId === seatId)
        .map((t) => [
          order.orderId,
          seatId,
          order.buyerId,
          t.ticketId,
          t.state,
          t.checkedInAt === undefined ? '' : new Date(t.checkedInAt).toISOString(),
          t.checkedInBy ?? '',
        ]),
    ),
  );
  // RFC 4180: every record, the last one too, ends with CRLF.
  return [HEADER, ...rows].map((row) => `${row.map(csvField).join(',')}\r\n`).join('');
}

/**
 * Quoted when it must be (comma, quote, line break); a leading `=`, `+`, `-` or `@` gets a `'` in
 * front, so a door name typed by someone cannot run as a spreadsheet formula.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
