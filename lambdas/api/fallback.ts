import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { methodsFor, ROUTES } from '../../contract/http-routes';
import { MethodNotAllowed, RouteNotFound } from '../core/platform/errors';
import { type ApiResult, respond } from './http';
import { requireBodyWithinLimit } from './request';

/**
 * The `$default` route (contract/http-routes.ts DEFAULT_ROUTE): whatever no route of the table takes is
 * answered here in the documented `{ error: { code, message } }` shape, on AWS and locally alike.
 *   a body over 16 KiB            → 413 PayloadTooLarge (no route accepts one, so this comes first)
 *   a path of the table, other method → 405 MethodNotAllowed, `Allow: <the methods it has>`
 *   any other path                → 404 NotFound
 * It reads no table and no secret: the route table is all it needs (its factory takes nothing).
 */
export function createHandler() {
  return async (event: APIGatewayProxyEventV2): Promise<ApiResult> =>
    respond(event, async () => {
      requireBodyWithinLimit(event);
      const method = event.requestContext.http.method;
      const path = event.rawPath;
      const allowed = methodsFor(ROUTES, path);
      if (allowed.length === 0) throw new RouteNotFound(method, path);
      // API Gateway picks a route of the table before `$default`; reaching here with one of its
      // methods means the deployed routes and the table disagree (a deployment bug: 500).
      if ((allowed as string[]).includes(method))
        throw new Error(`${method} ${path} is a route of the table, yet reached $default`);
      throw new MethodNotAllowed(method, allowed);
    });
}

export const handler = createHandler();
