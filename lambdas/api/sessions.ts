import { createSession } from '../core/access/buyer-sessions';
import { NoInput } from '../core/orders/order-input';
import { fromEnvironment, type Platform } from '../wiring/platform';
import { json } from './http';
import { jsonBody } from './request';
import { routeHandler } from './routing';

/** POST /api/sessions → a new anonymous buyer session (201 { buyerId, token, expiresAt }). */
export function createHandler(platform: Pick<Platform, 'secrets'>) {
  return routeHandler({
    'POST /api/sessions': async (event) => {
      jsonBody(event, NoInput);
      return json(201, await createSession(await platform.secrets.sessionSigningKey()));
    },
  });
}

export const handler = fromEnvironment(createHandler);
