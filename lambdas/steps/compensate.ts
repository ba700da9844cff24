import { type CompensationInput, compensate } from '../core/orders/steps/compensation-steps';
import { fromEnvironment, type Platform } from '../core/platform/platform';
import { stepHandler } from './step-handler';

export function createHandler(platform: Pick<Platform, 'store' | 'processor'>) {
  return stepHandler('Compensate', (input: CompensationInput) => compensate(platform.store, platform.processor, input));
}

export const handler = fromEnvironment(createHandler);
