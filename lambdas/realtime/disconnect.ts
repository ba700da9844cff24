import type { APIGatewayProxyStructuredResultV2, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { deleteConnection } from '../core/live/connections';
import { fromEnvironment, type Platform } from '../wiring/platform';
import { wsResult } from './ws-result';

/** $disconnect: forgets the connection. Best effort on AWS; the TTL catches any that never come. */
export function createHandler(platform: Pick<Platform, 'store'>) {
  return async (event: APIGatewayProxyWebsocketEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    await deleteConnection(platform.store, event.requestContext.connectionId);
    return wsResult(200);
  };
}

export const handler = fromEnvironment(createHandler);
