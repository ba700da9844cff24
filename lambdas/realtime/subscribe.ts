import type { APIGatewayProxyStructuredResultV2, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { parseSubscribeRequest } from '../../contract/live-messages';
import { subscribeViewer } from '../core/live/viewer-subscription';
import { logger } from '../core/platform/logger';
import { fromEnvironment, type Platform } from '../wiring/platform';
import { wsResult } from './ws-result';

/**
 * `subscribe` route: `{ action: "subscribe", eventId }` makes the connection watch that event.
 * Answers `{ type: "subscribed", eventId }` (a route response), after which every tick of the
 * event's seat map reaches the socket: a snapshot fetched after the answer misses nothing. Beyond
 * the event's socket budget an anonymous viewer gets `{ type: "crowded", pollMs }` instead and
 * polls the cached snapshot.
 */
export function createHandler(platform: Pick<Platform, 'store' | 'config'>) {
  return async (event: APIGatewayProxyWebsocketEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const request = parseSubscribeRequest(event.body);
    if (!request) {
      return wsResult(400, {
        type: 'error',
        code: 'ValidationFailed',
        message: 'Expected { "action": "subscribe", "eventId": "<event id>" }',
      });
    }
    const { liveMap } = platform.config;
    const outcome = await subscribeViewer(
      { store: platform.store, liveMap },
      event.requestContext.connectionId,
      request.eventId,
    );
    // A connection that is already gone cannot watch anything; its socket will not read the answer.
    if (outcome === 'gone') return wsResult(410);
    if (outcome === 'crowded') {
      logger.info('Viewer asked to poll: the event has its socket budget of viewers', { eventId: request.eventId });
      return wsResult(200, { type: 'crowded', eventId: request.eventId, pollMs: liveMap.pollMs });
    }
    return wsResult(200, { type: 'subscribed', eventId: request.eventId });
  };
}

export const handler = fromEnvironment(createHandler);
