import { renewSession } from '../core/access/buyer-sessions';
import { NoInput } from '../core/orders/order-input';
import { fromEnvironment, type Platform } from '../wiring/platform';
import { json } from './http';
import { bearerToken, jsonBody } from './request';
import { requestLimit } from './request-limits';
import { routeHandler } from './routing';

/**
 * POST /api/sessions → a buyer session (201 { buyerId, token, expiresAt }). Without a token, a
 * new anonymous buyer; with `Authorization: Bearer <token>` of a renewable session (valid, or
 * expired within a day; buyer id at most 7 days old), the same buyer with a fresh token — their
 * place in line and open order stay theirs. Any other token gets a new buyer, as without one.
 * Limited per client address (`SESSION_LIMIT` per `SESSION_LIMIT_WINDOW_SECONDS`): every new
 * session can be a new place in a waiting room, so a script must not mint them freely.
 */
export function createHandler(platform: Pick<Platform, 'secrets' | 'store' | 'config'>) {
  const limit = requestLimit(platform, 'sessions');
  return routeHandler({
    'POST /api/sessions': async (event) => {
      await limit(event);
      jsonBody(event, NoInput);
      const token = bearerToken(event);
      const {
        buyerId,
        token: renewed,
        expiresAt,
      } = await renewSession(await platform.secrets.sessionSigningKey(), token);
      return json(201, { buyerId, token: renewed, expiresAt });
    },
  });
}

export const handler = fromEnvironment(createHandler);
