import { confirmOrderSeats } from '../core/orders/steps/fulfilment-steps';
import { fromEnvironment, type Platform } from '../wiring/platform';
import { stepHandler } from './step-handler';

export function createHandler(platform: Pick<Platform, 'store'>) {
  return stepHandler('ConfirmSeats', (input: { orderId: string }) => confirmOrderSeats(platform.store, input));
}

export const handler = fromEnvironment(createHandler);
