import type { APIGatewayProxyStructuredResultV2, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { verifySession } from '../core/access/buyer-sessions';
import { putConnection } from '../core/live/connections';
import { Unauthorized } from '../core/platform/errors';
import { fromEnvironment, type Platform } from '../wiring/platform';
import { wsResult } from './ws-result';

/**
 * $connect: records the connection. `?token=<session token>` makes it the buyer's socket (their
 * orders' changes come here); no token is an anonymous seat-map viewer; a bad token is refused.
 */
export function createHandler(platform: Pick<Platform, 'store' | 'secrets'>) {
  return async (event: APIGatewayProxyWebsocketEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const { store } = platform;
    const token = event.queryStringParameters?.token;
    let buyerId: string | undefined;
    if (token) {
      // The signing key: from Secrets Manager on AWS.
      const signingKey = (await platform.secrets.get('SESSION_SIGNING_KEY')) ?? '';
      try {
        buyerId = await verifySession(signingKey, token, store.now());
      } catch (error) {
        if (error instanceof Unauthorized) return wsResult(401);
        throw error;
      }
    }
    await putConnection(store, { connectionId: event.requestContext.connectionId, buyerId });
    return wsResult(200);
  };
}

export const handler = fromEnvironment(createHandler);
