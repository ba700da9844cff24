import { confirmOrderSeats } from '../core/orders/steps/fulfilment-steps';
import { fromEnvironment, type Platform } from '../core/platform/platform';
import { stepHandler } from './step-handler';

export function createHandler(platform: Pick<Platform, 'store'>) {
  return stepHandler('ConfirmSeats', (input: { orderId: string }) => confirmOrderSeats(platform.store, input));
}

export const handler = fromEnvironment(createHandler);
