import { type CompensationInput, compensate } from '../core/orders/steps/compensation-steps';
import { SimulatedProcessor } from '../core/payments/simulated-processor';
import { storeFromEnv } from '../core/platform/store';
import { stepHandler } from './step-handler';

const store = storeFromEnv();
export const handler = stepHandler('Compensate', (input: CompensationInput) =>
  compensate(store, new SimulatedProcessor(store), input),
);
