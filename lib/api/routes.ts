/**
 * Every HTTP route and the handler module that serves it. Plain data, read by the CDK stack
 * (lib/api/) and by the local gateway (local/http-gateway.ts), so both serve the same API.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export const API_HANDLERS = {
  events: { entry: 'lambdas/api/events.ts', description: 'Event list and seat-map snapshots' },
} as const;

export type ApiHandlerId = keyof typeof API_HANDLERS;

export interface RouteSpec {
  readonly method: HttpMethod;
  /** API Gateway path template, e.g. `/api/events/{eventId}`. */
  readonly path: string;
  readonly handler: ApiHandlerId;
}

export const ROUTES: readonly RouteSpec[] = [
  { method: 'GET', path: '/api/events', handler: 'events' },
  { method: 'GET', path: '/api/events/{eventId}', handler: 'events' },
];

/** API Gateway's route key, e.g. `GET /api/events/{eventId}`. */
export const routeKey = (route: RouteSpec): string => `${route.method} ${route.path}`;
