import { z } from 'zod';
import { getEvent } from '../core/events/event-records';
import { storeFromEnv } from '../core/platform/store';
import {
  buyerWaitingRoomStatus,
  joinWaitingRoom,
  leaveWaitingRoom,
  operatorWaitingRoomStatus,
} from '../core/waiting-room/waiting-room-service';
import { json } from './http';
import { buyerOf, eventIdParameter, jsonBody, query, requireAdmin, requiredEnv } from './request';
import { routeHandler } from './routing';

/**
 * The waiting room: join (idempotent: the same buyer always gets the same place back), my place
 * and admission token, and the operator's view of the queue.
 */
const store = storeFromEnv();
const signingKey = () => requiredEnv('SESSION_SIGNING_KEY');

const WaitingListQuery = z.strictObject({
  after: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

export const handler = routeHandler({
  'POST /api/events/{eventId}/queue': async (event) => {
    const buyerId = await buyerOf(event);
    jsonBody(event, z.strictObject({}));
    const record = await getEvent(store, eventIdParameter(event));
    return json(200, { queue: await joinWaitingRoom(store, record, buyerId, signingKey()) });
  },

  'GET /api/events/{eventId}/queue': async (event) => {
    const buyerId = await buyerOf(event);
    const record = await getEvent(store, eventIdParameter(event));
    return json(200, { queue: await buyerWaitingRoomStatus(store, record, buyerId, signingKey()) });
  },

  'DELETE /api/events/{eventId}/queue': async (event) => {
    const buyerId = await buyerOf(event);
    const record = await getEvent(store, eventIdParameter(event));
    return json(200, { queue: await leaveWaitingRoom(store, record, buyerId, signingKey()) });
  },

  'GET /api/admin/events/{eventId}/queue': async (event) => {
    requireAdmin(event);
    const record = await getEvent(store, eventIdParameter(event));
    return json(200, { queue: await operatorWaitingRoomStatus(store, record, query(event, WaitingListQuery)) });
  },
});
