import { isIP } from 'node:net';
import type { LimitedAction, RequestLimit } from '../../../contract/request-limits';
import { logger } from '../platform/logger';
import { isThrottle } from '../platform/throttling';
import type { LimitLeases } from './limit-leases';

/**
 * Abuse limits: at most `limit` requests of one action per client address and fixed window
 * (`windowSeconds`, aligned to the epoch, so every handler instance agrees on the window without
 * talking to the others). The count lives in one counter per address, action and window
 * (`LimitCounter`, a DynamoDB item with a TTL on AWS and locally), which instances take leases
 * from (`LimitLeases`: one conditional write per lease, no read; a lease is one request at the
 * default limits). A fixed window lets one address make up to 2 × limit around a window's edge;
 * that is the price of writing without reading, and still bounds what one address can take.
 */

export type LimitDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfterSeconds: number };

export interface LimitRequest {
  readonly action: LimitedAction;
  /** The client address, as the edge saw it (`requestContext.http.sourceIp`). */
  readonly address: string;
  readonly limit: RequestLimit;
  /** Epoch ms. */
  readonly now: number;
}

/** Counters outlive their window a little, so a late request of an instance with a skewed clock still finds its item. */
const EXPIRY_MARGIN_SECONDS = 60;

/** When the counter itself is throttled, the address is hot: it may retry this soon. */
export const THROTTLED_RETRY_AFTER_SECONDS = 1;

export function limitWindow(limit: RequestLimit, now: number): { readonly startMs: number; readonly endMs: number } {
  const windowMs = limit.windowSeconds * 1000;
  const startMs = Math.floor(now / windowMs) * windowMs;
  return { startMs, endMs: startMs + windowMs };
}

export function limitKey(action: LimitedAction, address: string, windowStartMs: number): string {
  return `${action}#${addressKey(address)}#${windowStartMs}`;
}

/** Whole seconds until the window ends (at least 1): what `Retry-After` says. */
export function retryAfterSeconds(windowEndMs: number, now: number): number {
  return Math.max(1, Math.ceil((windowEndMs - now) / 1000));
}

/**
 * Decides one request. Failures of the counter are decided here too, on purpose:
 * - a throttle of the counter means this very key (one address, one window) is hot, or the table
 *   is overloaded: the request is refused with a short `Retry-After` (failing open there would let
 *   exactly the hottest address through);
 * - any other failure (a 500, a timeout) lets the request through and logs it: a sale must not
 *   stop because its abuse counter is down, and the route throttles (and the WAF, if on) still
 *   bound what gets through meanwhile.
 */
export async function checkRequestLimit(leases: LimitLeases, request: LimitRequest): Promise<LimitDecision> {
  const { startMs, endMs } = limitWindow(request.limit, request.now);
  const key = limitKey(request.action, request.address, startMs);
  const expiresAtSeconds = Math.ceil(endMs / 1000) + EXPIRY_MARGIN_SECONDS;
  try {
    const admitted = await leases.admit({
      key,
      limit: request.limit.limit,
      windowEndMs: endMs,
      expiresAtSeconds,
      now: request.now,
    });
    if (admitted) return { allowed: true };
    logger.info('Request limited', { action: request.action, address: request.address, limit: request.limit });
    return { allowed: false, retryAfterSeconds: retryAfterSeconds(endMs, request.now) };
  } catch (error) {
    if (isThrottle(error)) {
      logger.warn('Request limit counter throttled: refused', { action: request.action, address: request.address });
      return { allowed: false, retryAfterSeconds: THROTTLED_RETRY_AFTER_SECONDS };
    }
    logger.error('Request limit counter failed: let through', {
      action: request.action,
      address: request.address,
      error: error instanceof Error ? error : String(error),
    });
    return { allowed: true };
  }
}

/**
 * What one client is, for counting: an IPv4 address as it is; an IPv6 address by its /64 (one
 * subscriber gets a whole /64 and can use any address in it, so counting single addresses would
 * let one machine be 2^64 clients); an IPv4-mapped IPv6 address as its IPv4 address. Anything
 * else (no address at all) is counted as it came, under one shared key.
 */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (isIP(address) !== 6) return address || 'unknown';
  return `${expandIpv6(address).slice(0, 4).join(':')}::/64`;
}

/** The eight groups of an IPv6 address, `::` filled in, each as lowercase hex without leading zeros. */
function expandIpv6(address: string): string[] {
  const [head = '', tail] = address.toLowerCase().split('::') as [string, string | undefined];
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  const left = groups(head);
  const right = groups(tail);
  const filled = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return filled.map((group) => (Number.parseInt(group, 16) || 0).toString(16));
}
