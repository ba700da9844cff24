import { z } from 'zod';
import { isAdminKey } from '../core/access/admin-key';
import { createDoorCredential, createOperatorSession } from '../core/access/staff-credentials';
import { DoorCredentialInput, RefundInput, SignInInput, TicketRefundInput } from '../core/access/staff-input';
import { createEvent } from '../core/events/create-event';
import { editEvent } from '../core/events/edit-event';
import { getEvent } from '../core/events/event-records';
import { orderSummaries, ticketHolders } from '../core/events/event-report';
import { ticketsCsv } from '../core/events/ticket-export';
import { OrderListQuery } from '../core/orders/order-input';
import { orderReport, orderStory } from '../core/orders/order-report';
import { Unauthorized } from '../core/platform/errors';
import { logger } from '../core/platform/logger';
import { refundOrder } from '../core/refunds/refund-order';
import { refundTicket } from '../core/refunds/refund-ticket';
import { readDashboard } from '../core/reports/event-dashboard';
import { fromEnvironment, type Platform } from '../wiring/platform';
import { json } from './http';
import { eventIdParameter, jsonBody, pathParameter, query, requireAdmin } from './request';
import { requestLimit } from './request-limits';
import { routeHandler } from './routing';

/**
 * Operator routes (the admin key in `x-admin-key`, or an operator session): sign in, open a door,
 * create an event, refund an order, see an event's orders, an order's story and who got tickets.
 */
export function createHandler(platform: Pick<Platform, 'store' | 'secrets' | 'config' | 'processor' | 'executions'>) {
  const { secrets } = platform;
  const limitSignIn = requestLimit(platform, 'operatorSessions');
  return routeHandler({
    // The admin key once, for a 1 h operator session: the console keeps the session, never the key.
    // Counted per client address before the key is compared: every attempt is a guess.
    'POST /api/admin/sessions': async (event) => {
      await limitSignIn(event);
      const { adminKey } = jsonBody(event, SignInInput);
      if (!isAdminKey(adminKey, await secrets.adminApiKey())) throw new Unauthorized('Wrong admin key');
      const session = await createOperatorSession(await secrets.sessionSigningKey(), platform.store.now());
      logger.info('Operator signed in', { operatorId: session.operatorId });
      return json(201, { role: 'operator', ...session });
    },

    // A door credential can only check this event's tickets in: what the door staff's phones hold.
    'POST /api/admin/door-credentials': async (event) => {
      const operator = await requireAdmin(event, secrets);
      const { eventId, door } = jsonBody(event, DoorCredentialInput);
      await getEvent(platform.store, eventId); // EventNotFound for a door of no event
      const credential = await createDoorCredential(
        await secrets.sessionSigningKey(),
        { eventId, door },
        platform.store.now(),
      );
      logger.info('Door opened', { eventId, door, operatorId: operator.operatorId });
      return json(201, { role: 'door', eventId, door, ...credential });
    },

    'POST /api/events': async (event) => {
      await requireAdmin(event, secrets);
      // createEvent validates the spec itself (strict: unknown fields refused).
      return json(201, { event: await createEvent(platform.store, jsonBody(event, z.unknown())) });
    },

    // Before the sale only (409 EventNotEditable after): one conditional write on the event item.
    'PATCH /api/admin/events/{eventId}': async (event) => {
      const operator = await requireAdmin(event, secrets);
      const eventId = eventIdParameter(event);
      const edited = await editEvent(platform.store, eventId, jsonBody(event, z.unknown()));
      logger.info('Event edited by an operator', { eventId, operatorId: operator.operatorId });
      return json(200, { event: edited });
    },

    // Charge refunded, tickets voided, seats back on sale (conditionally): the shared compensation.
    'POST /api/admin/orders/{orderId}/refund': async (event) => {
      const operator = await requireAdmin(event, secrets);
      const { note } = jsonBody(event, RefundInput);
      const refund = await refundOrder(platform.store, platform.processor, {
        orderId: pathParameter(event, 'orderId'),
        operatorId: operator.operatorId,
        ...(note ? { note } : {}),
      });
      return json(200, { refund });
    },

    // One ticket: its price refunded (own idempotency key), the ticket voided, its seat back on sale.
    'POST /api/admin/orders/{orderId}/tickets/{ticketId}/refund': async (event) => {
      const operator = await requireAdmin(event, secrets);
      jsonBody(event, TicketRefundInput);
      const refund = await refundTicket(platform.store, platform.processor, {
        orderId: pathParameter(event, 'orderId'),
        ticketId: pathParameter(event, 'ticketId'),
        operatorId: operator.operatorId,
      });
      return json(200, { refund });
    },

    'GET /api/admin/events/{eventId}/tickets': async (event) => {
      await requireAdmin(event, secrets);
      const eventId = eventIdParameter(event);
      const tickets = await ticketHolders(platform.store, eventId);
      return json(200, { eventId, ticketCount: tickets.length, tickets });
    },

    // "Who got tickets", for a spreadsheet: every ticket, VALID and VOIDED, with its check-in.
    'GET /api/admin/events/{eventId}/tickets.csv': async (event) => {
      await requireAdmin(event, secrets);
      const eventId = eventIdParameter(event);
      return {
        statusCode: 200,
        headers: {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="tickets-${eventId}.csv"`,
          'cache-control': 'no-store',
        },
        body: await ticketsCsv(platform.store, eventId),
      };
    },

    // The order and its execution history, told in plain words (the same report as `npm run order`).
    'GET /api/admin/orders/{orderId}/story': async (event) => {
      await requireAdmin(event, secrets);
      const report = await orderReport(platform.store, platform.executions, pathParameter(event, 'orderId'));
      return json(200, { story: orderStory(report) });
    },

    'GET /api/admin/events/{eventId}/orders': async (event) => {
      await requireAdmin(event, secrets);
      const { status } = query(event, OrderListQuery);
      return json(200, { orders: await orderSummaries(platform.store, eventIdParameter(event), status) });
    },

    // The live dashboard's figures (also pushed to operator sockets, lambdas/core/live/dashboard-push.ts).
    'GET /api/admin/events/{eventId}/dashboard': async (event) => {
      await requireAdmin(event, secrets);
      return json(200, { dashboard: await readDashboard(platform.store, eventIdParameter(event)) });
    },
  });
}

export const handler = fromEnvironment(createHandler);
