import { chargePayment } from '../core/orders/steps/payment-steps';
import { fromEnvironment, type Platform } from '../wiring/platform';
import { stepHandler } from './step-handler';

export function createHandler(platform: Pick<Platform, 'store' | 'processor'>) {
  return stepHandler('ChargePayment', (input: { orderId: string; code: string }) =>
    chargePayment(platform.store, platform.processor, input),
  );
}

export const handler = fromEnvironment(createHandler);
