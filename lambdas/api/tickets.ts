import { z } from 'zod';
import { findOrder } from '../core/orders/order-store';
import { Forbidden, OrderNotFound } from '../core/platform/errors';
import { checkIn } from '../core/tickets/check-in';
import { isTicketsLinkSignature } from '../core/tickets/tickets-link';
import { ticketsPageOf } from '../core/tickets/tickets-page';
import { fromEnvironment, type Platform } from '../wiring/platform';
import { json } from './http';
import { eventIdParameter, jsonBody, pathParameter, query, staffOf } from './request';
import { routeHandler } from './routing';

/** The scanned (or typed, or pasted) QR code: the ticket's signed token. */
const CheckInInput = z.strictObject({ code: z.string().trim().min(1, 'scan or type the ticket code').max(2048) });
const TicketsLinkQuery = z.strictObject({ t: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'not a tickets link') });

/**
 * Tickets after the sale: the door checks them in (a door credential for this event, or an
 * operator), and a buyer's signed tickets link shows an order's tickets without a session.
 */
export function createHandler(platform: Pick<Platform, 'store' | 'secrets'>) {
  const { secrets } = platform;
  return routeHandler({
    // Every scan is answered 200 with its result (valid, alreadyCheckedIn, voided, wrongEvent,
    // forged): the door asked a question and got an answer; only the credential can make it 4xx.
    'POST /api/events/{eventId}/check-ins': async (event) => {
      const staff = await staffOf(event, secrets);
      const eventId = eventIdParameter(event);
      if (staff.role === 'door' && staff.eventId !== eventId)
        throw new Forbidden(`This door checks tickets in for ${staff.eventId}, not ${eventId}`);
      const { code } = jsonBody(event, CheckInInput);
      const door = staff.role === 'door' ? staff.door : `operator ${staff.operatorId}`;
      const result = await checkIn(platform.store, await secrets.ticketSigningKey(), { eventId, code, door });
      return json(200, { checkIn: result });
    },

    'GET /api/orders/{orderId}/tickets': async (event) => {
      const orderId = pathParameter(event, 'orderId');
      const { t } = query(event, TicketsLinkQuery);
      // The signature first: a wrong link learns nothing about which orders exist.
      if (!isTicketsLinkSignature(orderId, t, await secrets.ticketSigningKey()))
        throw new Forbidden('This tickets link is not valid');
      const order = await findOrder(platform.store, orderId);
      if (!order) throw new OrderNotFound(orderId);
      return json(200, await ticketsPageOf(platform.store, order));
    },
  });
}

export const handler = fromEnvironment(createHandler);
