import type { APIGatewayProxyStructuredResultV2, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { parseSubscribeRequest } from '../../contract/live-messages';
import { verifySession } from '../core/access/buyer-sessions';
import { subscribeViewer } from '../core/live/viewer-subscription';
import { EventNotFound, Unauthorized } from '../core/platform/errors';
import { logger } from '../core/platform/logger';
import { subscribeDashboard } from '../core/reports/dashboard-subscription';
import { fromEnvironment, type Platform } from '../wiring/platform';
import { wsResult } from './ws-result';

/**
 * `subscribe` route: `{ action: "subscribe", eventId }` makes the connection watch that event.
 * Answers `{ type: "subscribed", eventId }` (a route response), after which every tick of the
 * event's seat map reaches the socket: a snapshot fetched after the answer misses nothing. Beyond
 * the event's socket budget an anonymous viewer gets `{ type: "crowded", pollMs }` instead and
 * polls the cached snapshot. A buyer's socket sends its session token along (`token`): with an open
 * order for the event it is let in beyond the budget; a bad token is answered `Unauthorized`.
 * `view: "dashboard"` on an operator's socket watches the event's dashboard instead (`dashboard`
 * messages); any other socket is answered `Forbidden`.
 */
export function createHandler(platform: Pick<Platform, 'store' | 'config' | 'secrets'>) {
  return async (event: APIGatewayProxyWebsocketEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const request = parseSubscribeRequest(event.body);
    if (!request) {
      return wsResult(400, {
        type: 'error',
        code: 'ValidationFailed',
        message: 'Expected { "action": "subscribe", "eventId": "<event id>" }',
      });
    }
    if (request.view === 'dashboard')
      return dashboardSubscribe(platform, event.requestContext.connectionId, request.eventId);
    let buyerId: string | undefined;
    if (request.token !== undefined) {
      try {
        const signingKey = (await platform.secrets.get('SESSION_SIGNING_KEY')) ?? '';
        buyerId = await verifySession(signingKey, request.token, platform.store.now());
      } catch (error) {
        if (!(error instanceof Unauthorized)) throw error;
        return wsResult(401, { type: 'error', code: error.code, message: error.message });
      }
    }
    const { liveMap } = platform.config;
    const outcome = await subscribeViewer(
      { store: platform.store, liveMap },
      event.requestContext.connectionId,
      request.eventId,
      buyerId,
    );
    if (outcome === 'crowded') {
      logger.info('Viewer asked to poll: the event has its socket budget of viewers', { eventId: request.eventId });
      return wsResult(200, { type: 'crowded', eventId: request.eventId, pollMs: liveMap.pollMs });
    }
    return wsResult(200, { type: 'subscribed', eventId: request.eventId });
  };
}

async function dashboardSubscribe(
  platform: Pick<Platform, 'store'>,
  connectionId: string,
  eventId: string,
): Promise<APIGatewayProxyStructuredResultV2> {
  try {
    const outcome = await subscribeDashboard(platform.store, connectionId, eventId);
    if (outcome === 'gone') return wsResult(410);
    if (outcome === 'forbidden') {
      return wsResult(403, {
        type: 'error',
        code: 'Forbidden',
        message: 'The dashboard needs a socket connected with an operator session (?staff=<token>)',
      });
    }
    return wsResult(200, { type: 'subscribed', eventId, view: 'dashboard' });
  } catch (error) {
    if (!(error instanceof EventNotFound)) throw error;
    return wsResult(404, { type: 'error', code: error.code, message: error.message });
  }
}

export const handler = fromEnvironment(createHandler);
