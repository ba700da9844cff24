import { type CompensationInput, compensate } from '../core/orders/steps/compensation-steps';
import { fromEnvironment, type Platform } from '../wiring/platform';
import { stepHandler } from './step-handler';

export function createHandler(platform: Pick<Platform, 'store' | 'processor'>) {
  return stepHandler('Compensate', (input: CompensationInput) => compensate(platform.store, platform.processor, input));
}

export const handler = fromEnvironment(createHandler);
