import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { z } from 'zod';
import type { TicketsPage } from '../../contract/tickets-page';
import { findOrder } from '../core/orders/order-store';
import { Forbidden, OrderNotFound } from '../core/platform/errors';
import { checkIn } from '../core/tickets/check-in';
import { isTicketsLinkSignature } from '../core/tickets/tickets-link';
import { ticketsPageOf } from '../core/tickets/tickets-page';
import { ticketsPdf } from '../core/tickets/tickets-pdf';
import { fromEnvironment, type Platform } from '../wiring/platform';
import { json, pdf } from './http';
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

  /** The tickets of the order a signed link names: the signature first, so a wrong link learns nothing about which orders exist. */
  async function byLink(event: APIGatewayProxyEventV2): Promise<TicketsPage> {
    const orderId = pathParameter(event, 'orderId');
    const { t } = query(event, TicketsLinkQuery);
    if (!isTicketsLinkSignature(orderId, t, await secrets.ticketSigningKey()))
      throw new Forbidden('This tickets link is not valid');
    const order = await findOrder(platform.store, orderId);
    if (!order) throw new OrderNotFound(orderId);
    return ticketsPageOf(platform.store, order);
  }

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

    'GET /api/orders/{orderId}/tickets': async (event) => json(200, await byLink(event)),

    // The same tickets as a PDF, one page per valid ticket: what a buyer prints or keeps offline.
    'GET /api/orders/{orderId}/tickets.pdf': async (event) => {
      const page = await byLink(event);
      return pdf(await ticketsPdf(page), `tickets-${page.order.orderId}.pdf`);
    },
  });
}

export const handler = fromEnvironment(createHandler);
