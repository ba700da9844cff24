import { awaitBuyer } from '../core/orders/steps/hold-steps';
import { fromEnvironment, type Platform } from '../wiring/platform';
import { stepHandler } from './step-handler';

export function createHandler(platform: Pick<Platform, 'store'>) {
  return stepHandler('AwaitBuyer', (input: { orderId: string; taskToken: string }) =>
    awaitBuyer(platform.store, input),
  );
}

export const handler = fromEnvironment(createHandler);
