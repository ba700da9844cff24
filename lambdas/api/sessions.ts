import { renewSession } from '../core/access/buyer-sessions';
import { NoInput } from '../core/orders/order-input';
import { fromEnvironment, type Platform } from '../wiring/platform';
import { json } from './http';
import { header, jsonBody } from './request';
import { routeHandler } from './routing';

/**
 * POST /api/sessions → a buyer session (201 { buyerId, token, expiresAt }). Without a token, a
 * new anonymous buyer; with `Authorization: Bearer <token>` of a renewable session (valid, or
 * expired within a day; buyer id at most 7 days old), the same buyer with a fresh token — their
 * place in line and open order stay theirs. Any other token gets a new buyer, as without one.
 */
export function createHandler(platform: Pick<Platform, 'secrets'>) {
  return routeHandler({
    'POST /api/sessions': async (event) => {
      jsonBody(event, NoInput);
      const token = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(header(event, 'authorization') ?? '')?.[1];
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
