import type { APIGatewayProxyStructuredResultV2, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { verifySession } from '../core/access/buyer-sessions';
import { putConnection } from '../core/live/connections';
import { Unauthorized } from '../core/platform/errors';
import { loadSecrets } from '../core/platform/secrets';
import { storeFromEnv } from '../core/platform/store';
import { wsResult } from './ws-result';

/**
 * $connect: records the connection. `?token=<session token>` makes it the buyer's socket (their
 * orders' changes come here); no token is an anonymous seat-map viewer; a bad token is refused.
 */
const store = storeFromEnv();

export async function handler(event: APIGatewayProxyWebsocketEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const token = event.queryStringParameters?.token;
  let buyerId: string | undefined;
  if (token) {
    await loadSecrets(); // the signing key: from Secrets Manager on AWS
    try {
      buyerId = await verifySession(process.env.SESSION_SIGNING_KEY ?? '', token, store.now());
    } catch (error) {
      if (error instanceof Unauthorized) return wsResult(401);
      throw error;
    }
  }
  await putConnection(store, { connectionId: event.requestContext.connectionId, buyerId });
  return wsResult(200);
}
