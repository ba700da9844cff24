import { z } from 'zod';
import { createEvent } from '../core/events/create-event';
import { orderSummaries, ticketHolders } from '../core/events/event-report';
import { OrderListQuery } from '../core/orders/order-input';
import { storeFromEnv } from '../core/platform/store';
import { json } from './http';
import { eventIdParameter, jsonBody, query, requireAdmin } from './request';
import { routeHandler } from './routing';

/** Operator routes (x-admin-key): create an event, see its orders and who got tickets. */
const store = storeFromEnv();

export const handler = routeHandler({
  'POST /api/events': async (event) => {
    requireAdmin(event);
    // createEvent validates the spec itself (strict: unknown fields refused).
    return json(201, { event: await createEvent(store, jsonBody(event, z.unknown())) });
  },

  'GET /api/admin/events/{eventId}/tickets': async (event) => {
    requireAdmin(event);
    const eventId = eventIdParameter(event);
    const tickets = await ticketHolders(store, eventId);
    return json(200, { eventId, ticketCount: tickets.length, tickets });
  },

  'GET /api/admin/events/{eventId}/orders': async (event) => {
    requireAdmin(event);
    const { status } = query(event, OrderListQuery);
    return json(200, { orders: await orderSummaries(store, eventIdParameter(event), status) });
  },
});
