import { completeOrder, type NotificationOutcome } from '../core/orders/steps/fulfilment-steps';
import { fromEnvironment, type Platform } from '../wiring/platform';
import { stepHandler } from './step-handler';

export function createHandler(platform: Pick<Platform, 'store' | 'processor'>) {
  return stepHandler('CompleteOrder', (input: { orderId: string; notifications: NotificationOutcome[] }) =>
    completeOrder(platform.store, platform.processor, input),
  );
}

export const handler = fromEnvironment(createHandler);
