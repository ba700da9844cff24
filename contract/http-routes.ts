/**
 * Every HTTP route and the handler module that serves it. Plain data (and pure helpers, no CDK),
 * read by the CDK stack (lib/api/), by the local gateway (local/http-gateway.ts) and by the
 * catch-all handler (lambdas/api/fallback.ts), so all of them serve the same API.
 * One Lambda per handler group; each group gets only the permissions its routes need.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export const API_HANDLERS = {
  events: { entry: 'lambdas/api/events.ts', description: 'Event list and seat-map snapshots' },
  sessions: { entry: 'lambdas/api/sessions.ts', description: 'Anonymous buyer sessions' },
  orders: { entry: 'lambdas/api/orders.ts', description: 'Buyer orders: create, read, pay, change seats, cancel' },
  admin: {
    entry: 'lambdas/api/admin.ts',
    description:
      'Operator routes: sign-in, door credentials, create and edit events, refunds, orders and tickets per event',
  },
  tickets: {
    entry: 'lambdas/api/tickets.ts',
    description: "Tickets after the sale: door check-in, the buyer's signed tickets link and PDF",
  },
  queue: {
    entry: 'lambdas/api/waiting-room.ts',
    description: 'Waiting room: join, my place and admission, the queue for operators',
  },
  fallback: {
    entry: 'lambdas/api/fallback.ts',
    description: 'Catch-all: unknown routes, wrong methods and oversized bodies as documented errors',
  },
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
  { method: 'GET', path: '/api/events/{eventId}/seat-map', handler: 'events' },
  { method: 'POST', path: '/api/sessions', handler: 'sessions' },
  { method: 'POST', path: '/api/events', handler: 'admin' },
  { method: 'PATCH', path: '/api/admin/events/{eventId}', handler: 'admin' },
  { method: 'POST', path: '/api/events/{eventId}/orders', handler: 'orders' },
  { method: 'GET', path: '/api/orders/{orderId}', handler: 'orders' },
  { method: 'GET', path: '/api/orders/{orderId}/tickets/{ticketId}/qr', handler: 'orders' },
  { method: 'PUT', path: '/api/orders/{orderId}/seats', handler: 'orders' },
  { method: 'POST', path: '/api/orders/{orderId}/payment', handler: 'orders' },
  { method: 'POST', path: '/api/orders/{orderId}/cancel', handler: 'orders' },
  { method: 'GET', path: '/api/admin/events/{eventId}/tickets', handler: 'admin' },
  { method: 'GET', path: '/api/admin/events/{eventId}/orders', handler: 'admin' },
  { method: 'GET', path: '/api/admin/events/{eventId}/tickets.csv', handler: 'admin' },
  { method: 'GET', path: '/api/admin/orders/{orderId}/story', handler: 'admin' },
  { method: 'POST', path: '/api/admin/sessions', handler: 'admin' },
  { method: 'POST', path: '/api/admin/door-credentials', handler: 'admin' },
  { method: 'POST', path: '/api/admin/orders/{orderId}/refund', handler: 'admin' },
  { method: 'GET', path: '/api/admin/events/{eventId}/dashboard', handler: 'admin' },
  { method: 'POST', path: '/api/admin/orders/{orderId}/tickets/{ticketId}/refund', handler: 'admin' },
  { method: 'POST', path: '/api/events/{eventId}/check-ins', handler: 'tickets' },
  { method: 'GET', path: '/api/orders/{orderId}/tickets', handler: 'tickets' },
  { method: 'GET', path: '/api/orders/{orderId}/tickets.pdf', handler: 'tickets' },
  { method: 'POST', path: '/api/events/{eventId}/queue', handler: 'queue' },
  { method: 'GET', path: '/api/events/{eventId}/queue', handler: 'queue' },
  { method: 'GET', path: '/api/events/{eventId}/queue/status', handler: 'queue' },
  { method: 'DELETE', path: '/api/events/{eventId}/queue', handler: 'queue' },
  { method: 'GET', path: '/api/admin/events/{eventId}/queue', handler: 'queue' },
];

/**
 * API Gateway's `$default` route: every request no route of ROUTES matches (an unknown path, a
 * known path with another method) goes to this handler, so that it too is answered in the
 * documented `{ error: { code, message } }` shape instead of API Gateway's own `{ message }`.
 */
export interface DefaultRouteSpec {
  readonly routeKey: '$default';
  readonly handler: ApiHandlerId;
}

export const DEFAULT_ROUTE: DefaultRouteSpec = { routeKey: '$default', handler: 'fallback' };

/**
 * The values of the template's `{parameters}` when `path` is of that template (API Gateway's
 * matching: whole segments, a parameter never empty, values URL-decoded); undefined otherwise.
 */
export function matchPath(template: string, path: string): Record<string, string> | undefined {
  const parts = template.split('/');
  const segments = path.split('/');
  if (parts.length !== segments.length) return undefined;
  const parameters: Record<string, string> = {};
  for (const [i, part] of parts.entries()) {
    const segment = segments[i]!;
    if (part.startsWith('{') && part.endsWith('}')) {
      const value = decodeSegment(segment);
      if (value === undefined || value === '') return undefined;
      parameters[part.slice(1, -1)] = value;
    } else if (part !== segment) return undefined;
  }
  return parameters;
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined; // a malformed %-escape: no route has this path
  }
}

/** The methods the routes serve on `path`, in a stable order (a 405's `Allow` header). */
export function methodsFor(routes: readonly RouteSpec[], path: string): HttpMethod[] {
  const methods = new Set(
    routes.filter((route) => matchPath(route.path, path) !== undefined).map((route) => route.method),
  );
  return (['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const).filter((method) => methods.has(method));
}

/** API Gateway's route key, e.g. `GET /api/events/{eventId}`. */
export const routeKey = (route: RouteSpec): string => `${route.method} ${route.path}`;
