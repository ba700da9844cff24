import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { TicketItem } from './ticket-item';

/**
 * Tickets: a signed token per seat (what the door scanner checks; the QR code shows it, rendered
 * where it is shown, never stored). The token is `base64url(payload).base64url(HMAC-SHA256)`, so
 * a forged or altered ticket fails to verify without any database lookup.
 */

export interface TicketPayload {
  readonly ticketId: string;
  readonly orderId: string;
  readonly eventId: string;
  readonly seatId: string;
}

const sign = (data: string, key: string) => createHmac('sha256', key).update(data).digest('base64url');

export function ticketToken(payload: TicketPayload, key: string): string {
  const data = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${data}.${sign(data, key)}`;
}

/**
 * The payload of a token whose signature is right, else undefined. Says nothing about whether the
 * ticket is still valid (voided by a refund or reset): `verifyTicket` (ticket-check.ts) does.
 */
export function verifyTicketToken(token: string, key: string): TicketPayload | undefined {
  const [data, signature, extra] = token.split('.');
  if (!data || !signature || extra !== undefined || !sameSignature(sign(data, key), signature)) return undefined;
  try {
    return JSON.parse(Buffer.from(data, 'base64url').toString()) as TicketPayload;
  } catch {
    return undefined;
  }
}

/**
 * Constant time over the signature's bytes, so a scanner's timing never tells a forger how many
 * leading characters they got right. Lengths are public (every signature has the same length).
 */
function sameSignature(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The ticket id of an order's seat: derived from order and seat alone (no key), so issuing again
 * after a retried step yields the very same ids, and anyone holding the order (the API, the
 * compensation, the broadcaster) reads its tickets by key, strongly consistent, without an index.
 * The id grants nothing: only the signed token gets a buyer in.
 */
export function ticketIdOf(orderId: string, seatId: string): string {
  return `tkt_${createHash('sha256').update(`${orderId}/${seatId}`).digest('base64url').slice(0, 20)}`;
}

/** One VALID ticket per seat of the order, with its signed token; the same ones when made again. */
export function makeTickets(
  order: { orderId: string; eventId: string; seatIds: readonly string[] },
  key: string,
  issuedAt: number,
): TicketItem[] {
  return order.seatIds.map((seatId) => {
    const ticketId = ticketIdOf(order.orderId, seatId);
    const token = ticketToken({ ticketId, orderId: order.orderId, eventId: order.eventId, seatId }, key);
    return { ticketId, eventId: order.eventId, orderId: order.orderId, seatId, token, state: 'VALID', issuedAt };
  });
}
