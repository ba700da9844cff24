import { confirmOrderSeats } from '../core/orders/steps/fulfilment-steps';
import { fromEnvironment, type Platform } from '../wiring/platform';
import { type AfterPayInput, stepHandler } from './step-handler';

export function createHandler(platform: Pick<Platform, 'store'>) {
  return stepHandler('ConfirmSeats', (input: AfterPayInput) =>
    confirmOrderSeats(platform.store, {
      orderId: input.orderId,
      ...(input.buyer?.order ? { paid: input.buyer.order } : {}),
    }),
  );
}

export const handler = fromEnvironment(createHandler);
