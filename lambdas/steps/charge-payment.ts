import { chargePayment } from '../core/orders/steps/payment-steps';
import { fromEnvironment, type Platform } from '../wiring/platform';
import { type AfterPayInput, stepHandler } from './step-handler';

export function createHandler(platform: Pick<Platform, 'store' | 'processor'>) {
  // `code` as a field of its own: the input of executions started before the flow passed `$.buyer`.
  return stepHandler('ChargePayment', (input: AfterPayInput & { code?: string }) =>
    chargePayment(platform.store, platform.processor, {
      orderId: input.orderId,
      code: input.buyer?.code ?? input.code ?? '',
      ...(input.buyer?.order ? { paid: input.buyer.order } : {}),
    }),
  );
}

export const handler = fromEnvironment(createHandler);
