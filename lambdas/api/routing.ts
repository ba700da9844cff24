import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { type ApiResult, respond } from './http';

/** A handler for several routes: one function per API Gateway route key (`POST /api/sessions`). */
export type RouteBodies = Record<string, (event: APIGatewayProxyEventV2) => Promise<ApiResult>>;

export function routeHandler(routes: RouteBodies) {
  return (event: APIGatewayProxyEventV2): Promise<ApiResult> =>
    respond(event, async () => {
      const route = routes[event.routeKey];
      // Only reachable when the route table and this handler disagree: a deployment bug.
      if (!route) throw new Error(`No route body for ${event.routeKey}`);
      return route(event);
    });
}
