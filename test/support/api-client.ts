import type { OrderView } from '../../contract/order-view';
import { type LocalStack, startLocalStack } from '../../local/local-stack';
import { eventually } from './eventually';

/** Talking HTTP to a local stack the way the frontend does: sessions, bearer tokens, JSON. */

/** Simulator settings for tests: quick, no random declines, slow answers or failed confirmations. */
export const FAST_SIMULATOR_ENV = {
  PAYMENT_LATENCY_MS: '200',
  PAYMENT_DECLINE_RATE: '0',
  PAYMENT_SLOW_RATE: '0',
  NOTIFICATION_LATENCY_MS: '5',
  EMAIL_FAILURE_RATE: '0',
  SMS_FAILURE_RATE: '0',
} as const;

/** A session signing key the tests know, so they can mint expired or foreign tokens. */
export const TEST_SESSION_KEY = 'test-session-signing-key-0123456789abcdef';

export function startApiStack(environment: Record<string, string> = {}): Promise<LocalStack> {
  return startLocalStack({
    port: 0,
    environment: { SESSION_SIGNING_KEY: TEST_SESSION_KEY, ...FAST_SIMULATOR_ENV, ...environment },
  });
}

export interface ApiResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly body: T;
  readonly text: string;
}

export interface CallOptions {
  readonly token?: string;
  readonly adminKey?: string;
  /** Sent as JSON unless it is a string (sent as is). */
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export async function call<T = Record<string, unknown>>(
  stack: LocalStack,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.adminKey !== undefined) headers['x-admin-key'] = options.adminKey;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${stack.url}${path}`, { method, headers, body });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, body: parsed as T, text };
}

export interface Buyer {
  readonly buyerId: string;
  readonly token: string;
}

export async function newBuyer(stack: LocalStack): Promise<Buyer> {
  const { status, body } = await call<{ buyerId: string; token: string }>(stack, 'POST', '/api/sessions');
  if (status !== 201) throw new Error(`POST /api/sessions answered ${status}`);
  return { buyerId: body.buyerId, token: body.token };
}

export type OrderResponse = ApiResponse<{ order: OrderView; error?: { code: string; seatIds?: string[] } }>;

export const createOrderFor = (
  stack: LocalStack,
  buyer: Buyer,
  eventId: string,
  body: unknown,
): Promise<OrderResponse> => call(stack, 'POST', `/api/events/${eventId}/orders`, { token: buyer.token, body });

export const getOrderOf = (stack: LocalStack, buyer: Buyer, orderId: string): Promise<OrderResponse> =>
  call(stack, 'GET', `/api/orders/${orderId}`, { token: buyer.token });

/** Polls the buyer's order until `done` holds (30 s at most). */
export function pollOrder(
  stack: LocalStack,
  buyer: Buyer,
  orderId: string,
  done: (order: OrderView) => boolean,
): Promise<OrderView> {
  return eventually(async () => {
    const { status, body } = await getOrderOf(stack, buyer, orderId);
    if (status !== 200) throw new Error(`GET order answered ${status}`);
    if (!done(body.order)) throw new Error(`Order ${orderId} stuck: ${JSON.stringify(body.order)}`);
    return body.order;
  });
}

/** An event of its own per test, created through the admin API. */
export async function adminCreateEvent(stack: LocalStack, spec: Record<string, unknown>): Promise<string> {
  const { status, body, text } = await call<{ event: { eventId: string } }>(stack, 'POST', '/api/events', {
    adminKey: stack.adminKey,
    body: spec,
  });
  if (status !== 201) throw new Error(`POST /api/events answered ${status}: ${text}`);
  return body.event.eventId;
}

/**
 * A new buyer's order of `seatIds`, paid with the simulator's approving code and read until
 * CONFIRMED (and, by default, until its tickets are there).
 */
export async function buyConfirmed(
  stack: LocalStack,
  eventId: string,
  seatIds: string[],
  done: (order: OrderView) => boolean = (o) => o.status === 'CONFIRMED' && (o.tickets?.length ?? 0) === seatIds.length,
): Promise<{ buyer: Buyer; order: OrderView }> {
  const buyer = await newBuyer(stack);
  const created = await createOrderFor(stack, buyer, eventId, { seatIds });
  if (created.status !== 201) throw new Error(`create answered ${created.status}: ${created.text}`);
  const { orderId } = created.body.order;
  const paying = await call(stack, 'POST', `/api/orders/${orderId}/payment`, {
    token: buyer.token,
    body: { code: '11111' },
  });
  if (paying.status !== 202) throw new Error(`pay answered ${paying.status}: ${paying.text}`);
  return { buyer, order: await pollOrder(stack, buyer, orderId, done) };
}
