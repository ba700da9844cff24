import { recordPaymentFailure } from '../core/orders/steps/payment-steps';
import { fromEnvironment, type Platform } from '../wiring/platform';
import { stepHandler } from './step-handler';

export function createHandler(platform: Pick<Platform, 'store' | 'processor' | 'config'>) {
  return stepHandler('RecordPaymentFailure', (input: { orderId: string; error?: string }) =>
    recordPaymentFailure(platform.store, platform.processor, platform.config.orderFlow, input),
  );
}

export const handler = fromEnvironment(createHandler);
