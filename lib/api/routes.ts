/**
 * Every HTTP route and the handler module that serves it. Plain data, read by the CDK stack
 * (lib/api/) and by the local gateway (local/http-gateway.ts), so both serve the same API.
 * One Lambda per handler group; each group gets only the permissions its routes need.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export const API_HANDLERS = {
  events: { entry: 'lambdas/api/events.ts', description: 'Event list and seat-map snapshots' },
  sessions: { entry: 'lambdas/api/sessions.ts', description: 'Anonymous buyer sessions' },
  orders: { entry: 'lambdas/api/orders.ts', description: "Buyer orders: create, read, pay, change seats, cancel" },
  admin: { entry: 'lambdas/api/admin.ts', description: 'Operator routes: create events, orders and tickets per event' },
  queue: { entry: 'lambdas/api/queue.ts', description: 'Waiting room: join, my place and admission, the queue for operators' },
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
  { method: 'POST', path: '/api/sessions', handler: 'sessions' },
  { method: 'POST', path: '/api/events', handler: 'admin' },
  { method: 'POST', path: '/api/events/{eventId}/orders', handler: 'orders' },
  { method: 'GET', path: '/api/orders/{orderId}', handler: 'orders' },
  { method: 'PUT', path: '/api/orders/{orderId}/seats', handler: 'orders' },
  { method: 'POST', path: '/api/orders/{orderId}/payment', handler: 'orders' },
  { method: 'POST', path: '/api/orders/{orderId}/cancel', handler: 'orders' },
  { method: 'GET', path: '/api/admin/events/{eventId}/tickets', handler: 'admin' },
  { method: 'GET', path: '/api/admin/events/{eventId}/orders', handler: 'admin' },
  { method: 'POST', path: '/api/events/{eventId}/queue', handler: 'queue' },
  { method: 'GET', path: '/api/events/{eventId}/queue', handler: 'queue' },
  { method: 'DELETE', path: '/api/events/{eventId}/queue', handler: 'queue' },
  { method: 'GET', path: '/api/admin/events/{eventId}/queue', handler: 'queue' },
];

/** API Gateway's route key, e.g. `GET /api/events/{eventId}`. */
export const routeKey = (route: RouteSpec): string => `${route.method} ${route.path}`;
