import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The buyer's tickets link (`/tickets/{orderId}?t=<signature>`), sent in the confirmation e-mail:
 * whoever holds it sees the order's tickets without an account or a session, as whoever holds the
 * e-mail holds the tickets anyway. The signature is an HMAC of the order id under the ticket key,
 * with a purpose prefix no ticket token's data can have (those are base64url JSON), so a link's
 * signature never verifies as anything else. It does not expire: voiding a ticket is what takes
 * it back, and the page shows that.
 */

const PURPOSE = 'tickets-link:';

export function ticketsLinkSignature(orderId: string, key: string): string {
  return createHmac('sha256', key).update(`${PURPOSE}${orderId}`).digest('base64url');
}

/** Constant time over the signature's bytes (a fixed length: 43 base64url characters). */
export function isTicketsLinkSignature(orderId: string, given: string, key: string): boolean {
  const expected = Buffer.from(ticketsLinkSignature(orderId, key));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** The page's path with its signature; a site URL in front makes it the e-mail's absolute link. */
export function ticketsLinkPath(orderId: string, key: string): string {
  return `/tickets/${encodeURIComponent(orderId)}?t=${ticketsLinkSignature(orderId, key)}`;
}
