import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { LimitedAction } from '../../contract/request-limits';
import { limitCounter } from '../core/access/limit-counter-store';
import { LimitLeases } from '../core/access/limit-leases';
import { checkRequestLimit } from '../core/access/request-limits';
import { TooManyRequests } from '../core/platform/errors';
import type { Platform } from '../wiring/platform';
import { clientAddress } from './request';

/**
 * The abuse limit of one action at the HTTP edge: `await limit(event)` counts the request against
 * its client address and throws TooManyRequests (429 with `Retry-After`) when the address is over
 * the configured limit (`config.requestLimits`, per stage). The same code runs on AWS and locally.
 * Its leases live as long as the handler instance (a container on AWS), made on the first request.
 */
export function requestLimit(platform: Pick<Platform, 'store' | 'config' | 'secrets'>, action: LimitedAction) {
  let leases: LimitLeases | undefined;
  return async (event: APIGatewayProxyEventV2): Promise<void> => {
    leases ??= new LimitLeases(limitCounter(platform.store));
    const decision = await checkRequestLimit(leases, {
      action,
      address: clientAddress(event, await platform.secrets.get('EDGE_KEY')),
      limit: platform.config.requestLimits[action],
      now: platform.store.now(),
    });
    if (!decision.allowed) throw new TooManyRequests(decision.retryAfterSeconds);
  };
}
