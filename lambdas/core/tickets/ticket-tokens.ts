import { createHmac, timingSafeEqual } from 'node:crypto';
import QRCode from 'qrcode';
import type { Ticket } from '../orders/order-record';

/**
 * Tickets: a signed token per seat (what the door scanner checks) rendered as a QR code. The
 * token is `base64url(payload).base64url(HMAC-SHA256)`, so a forged or altered ticket fails to
 * verify without any database lookup.
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
 * One ticket per seat. Ticket ids derive from order and seat (keyed), so issuing again after a
 * retried step yields the very same tickets.
 */
export async function makeTickets(
  order: { orderId: string; eventId: string; seatIds: readonly string[] },
  key: string,
): Promise<Ticket[]> {
  return Promise.all(
    order.seatIds.map(async (seatId) => {
      const ticketId = `tkt_${sign(`${order.orderId}/${seatId}`, key).slice(0, 20)}`;
      const token = ticketToken({ ticketId, orderId: order.orderId, eventId: order.eventId, seatId }, key);
      const qrCode = await QRCode.toDataURL(token, { errorCorrectionLevel: 'M', margin: 1, width: 240 });
      return { ticketId, seatId, token, qrCode };
    }),
  );
}
