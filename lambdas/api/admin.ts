import { z } from 'zod';
import { createEvent } from '../core/events/create-event';
import { orderSummaries, ticketHolders } from '../core/events/event-report';
import { OrderListQuery } from '../core/orders/order-input';
import { fromEnvironment, type Platform } from '../wiring/platform';
import { json } from './http';
import { eventIdParameter, jsonBody, query, requireAdmin } from './request';
import { routeHandler } from './routing';

/** Operator routes (x-admin-key): create an event, see its orders and who got tickets. */
export function createHandler(platform: Pick<Platform, 'store' | 'secrets'>) {
  const { secrets } = platform;
  return routeHandler({
    'POST /api/events': async (event) => {
      await requireAdmin(event, secrets);
      // createEvent validates the spec itself (strict: unknown fields refused).
      return json(201, { event: await createEvent(platform.store, jsonBody(event, z.unknown())) });
    },

    'GET /api/admin/events/{eventId}/tickets': async (event) => {
      await requireAdmin(event, secrets);
      const eventId = eventIdParameter(event);
      const tickets = await ticketHolders(platform.store, eventId);
      return json(200, { eventId, ticketCount: tickets.length, tickets });
    },

    'GET /api/admin/events/{eventId}/orders': async (event) => {
      await requireAdmin(event, secrets);
      const { status } = query(event, OrderListQuery);
      return json(200, { orders: await orderSummaries(platform.store, eventIdParameter(event), status) });
    },
  });
}

export const handler = fromEnvironment(createHandler);
