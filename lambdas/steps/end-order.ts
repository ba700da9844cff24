import { compensateOrder, type EndingStatus } from '../core/orders/settlement';
import { fromEnvironment, type Platform } from '../wiring/platform';
import { stepHandler } from './step-handler';

/** ExpireOrder, CancelOrder, RejectUnknownAction: end the order without tickets, refunding anything charged. */
export function createHandler(platform: Pick<Platform, 'store' | 'processor'>) {
  return stepHandler('EndOrder', (input: { orderId: string; status: EndingStatus; reason: string }) =>
    compensateOrder(platform.store, platform.processor, input),
  );
}

export const handler = fromEnvironment(createHandler);
