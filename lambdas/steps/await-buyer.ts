import { awaitBuyer } from '../core/orders/steps/hold-steps';
import { fromEnvironment, type Platform } from '../core/platform/platform';
import { stepHandler } from './step-handler';

export function createHandler(platform: Pick<Platform, 'store'>) {
  return stepHandler('AwaitBuyer', (input: { orderId: string; taskToken: string }) =>
    awaitBuyer(platform.store, input),
  );
}

export const handler = fromEnvironment(createHandler);
