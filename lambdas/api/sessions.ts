import { createSession } from '../core/access/buyer-sessions';
import { NoInput } from '../core/orders/order-input';
import { json } from './http';
import { jsonBody, requiredEnv } from './request';
import { routeHandler } from './routing';

/** POST /api/sessions → a new anonymous buyer session (201 { buyerId, token, expiresAt }). */
export const handler = routeHandler({
  'POST /api/sessions': async (event) => {
    jsonBody(event, NoInput);
    return json(201, await createSession(requiredEnv('SESSION_SIGNING_KEY')));
  },
});
