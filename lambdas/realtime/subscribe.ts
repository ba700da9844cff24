import type { APIGatewayProxyStructuredResultV2, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { parseSubscribeRequest } from '../../contract/live-messages';
import { subscribeConnection } from '../core/live/connections';
import { fromEnvironment, type Platform } from '../wiring/platform';
import { wsResult } from './ws-result';

/**
 * `subscribe` route: `{ action: "subscribe", eventId }` makes the connection watch that event.
 * Answers `{ type: "subscribed", eventId }` (a route response), after which every seat change
 * of the event reaches the socket: a snapshot fetched after the answer misses nothing.
 */
export function createHandler(platform: Pick<Platform, 'store'>) {
  return async (event: APIGatewayProxyWebsocketEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const request = parseSubscribeRequest(event.body);
    if (!request) {
      return wsResult(400, {
        type: 'error',
        code: 'ValidationFailed',
        message: 'Expected { "action": "subscribe", "eventId": "<event id>" }',
      });
    }
    // A connection that is already gone cannot watch anything; its socket will not read the answer.
    if (!(await subscribeConnection(platform.store, event.requestContext.connectionId, request.eventId)))
      return wsResult(410);
    return wsResult(200, { type: 'subscribed', eventId: request.eventId });
  };
}

export const handler = fromEnvironment(createHandler);
