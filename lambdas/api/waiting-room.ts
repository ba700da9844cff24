import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { z } from 'zod';
import { getEvent } from '../core/events/event-records';
import { operatorWaitingRoomStatus } from '../core/waiting-room/operator-status';
import {
  buyerWaitingRoomStatus,
  joinWaitingRoom,
  leaveWaitingRoom,
  waitingRoomCounter,
} from '../core/waiting-room/waiting-room-service';
import { fromEnvironment, type Platform } from '../wiring/platform';
import { cacheableJson, json } from './http';
import { buyerOf, eventIdParameter, header, jsonBody, query, requireAdmin } from './request';
import { requestLimit } from './request-limits';
import { routeHandler } from './routing';

const WaitingListQuery = z.strictObject({
  after: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

/**
 * The waiting room: join (idempotent: the same buyer always gets the same place back), my place
 * and admission token, and the operator's view of the queue. Joins are limited per client address
 * (`QUEUE_JOIN_LIMIT` per `QUEUE_JOIN_LIMIT_WINDOW_SECONDS`), after the session check, so a
 * request without a valid session costs no write.
 */
export function createHandler(platform: Pick<Platform, 'store' | 'secrets' | 'config'>) {
  const { secrets } = platform;
  const limitJoin = requestLimit(platform, 'queueJoins');
  const signingKey = () => secrets.sessionSigningKey();
  const eventOf = (event: APIGatewayProxyEventV2) => getEvent(platform.store, eventIdParameter(event));

  return routeHandler({
    'POST /api/events/{eventId}/queue': async (event) => {
      const buyerId = await buyerOf(event, secrets);
      await limitJoin(event);
      jsonBody(event, z.strictObject({}));
      const record = await eventOf(event);
      return json(200, { queue: await joinWaitingRoom(platform.store, record, buyerId, await signingKey()) });
    },

    'GET /api/events/{eventId}/queue': async (event) => {
      const buyerId = await buyerOf(event, secrets);
      const record = await eventOf(event);
      return json(200, { queue: await buyerWaitingRoomStatus(platform.store, record, buyerId, await signingKey()) });
    },

    // Public and cacheable (no session: the same answer for everyone): a CDN or the browser
    // keeps it 2 s, and a poll with the current ETag costs no body.
    'GET /api/events/{eventId}/queue/status': async (event) => {
      const room = await waitingRoomCounter(platform.store, await eventOf(event));
      const etag = `"${room.eventId}-${room.version}"`;
      return cacheableJson(header(event, 'if-none-match'), etag, 'public, max-age=2', { room });
    },

    'DELETE /api/events/{eventId}/queue': async (event) => {
      const buyerId = await buyerOf(event, secrets);
      const record = await eventOf(event);
      return json(200, { queue: await leaveWaitingRoom(platform.store, record, buyerId, await signingKey()) });
    },

    'GET /api/admin/events/{eventId}/queue': async (event) => {
      await requireAdmin(event, secrets);
      const record = await eventOf(event);
      const listing = query(event, WaitingListQuery);
      return json(200, { queue: await operatorWaitingRoomStatus(platform.store, record, listing) });
    },
  });
}

export const handler = fromEnvironment(createHandler);
