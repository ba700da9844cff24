import type { APIGatewayProxyStructuredResultV2, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { verifySession } from '../core/access/buyer-sessions';
import { staffCredentialOf } from '../core/access/staff-credentials';
import { recordConnection } from '../core/live/connections';
import { Unauthorized } from '../core/platform/errors';
import { fromEnvironment, type Platform } from '../wiring/platform';
import { wsResult } from './ws-result';

/**
 * $connect: `?token=<session token>` makes it the buyer's socket (their orders' changes come here:
 * it joins the buyer's set, one write); `?staff=<operator session>` an operator's (recorded: it may
 * watch dashboards; a door credential is refused with 403); neither is an anonymous seat-map viewer
 * (nothing written until it subscribes); a bad token is refused with 401.
 */
export function createHandler(platform: Pick<Platform, 'store' | 'secrets'>) {
  return async (event: APIGatewayProxyWebsocketEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const { store } = platform;
    const token = event.queryStringParameters?.token;
    const staffToken = event.queryStringParameters?.staff;
    let buyerId: string | undefined;
    let operatorId: string | undefined;
    if (staffToken) {
      const staff = await staffCredentialOf(await platform.secrets.sessionSigningKey(), staffToken, store.now());
      if (!staff) return wsResult(401);
      if (staff.role !== 'operator') return wsResult(403);
      operatorId = staff.operatorId;
    } else if (token) {
      // The signing key: from Secrets Manager on AWS.
      const signingKey = (await platform.secrets.get('SESSION_SIGNING_KEY')) ?? '';
      try {
        buyerId = await verifySession(signingKey, token, store.now());
      } catch (error) {
        if (error instanceof Unauthorized) return wsResult(401);
        throw error;
      }
    }
    await recordConnection(store, {
      connectionId: event.requestContext.connectionId,
      ...(buyerId === undefined ? {} : { buyerId }),
      ...(operatorId === undefined ? {} : { operatorId }),
    });
    return wsResult(200);
  };
}

export const handler = fromEnvironment(createHandler);
