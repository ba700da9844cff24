import { SimulatedProcessor } from '../core/payments/simulated-processor';
import { type CompensationInput, compensate } from '../core/steps/compensation-steps';
import { storeFromEnv } from '../core/store';
import { stepHandler } from './step-handler';

const store = storeFromEnv();
export const handler = stepHandler('Compensate', (input: CompensationInput) =>
  compensate(store, new SimulatedProcessor(store), input),
);
