import { awaitBuyer } from '../core/steps/hold-steps';
import { storeFromEnv } from '../core/store';
import { stepHandler } from './step-handler';

const store = storeFromEnv();
export const handler = stepHandler('AwaitBuyer', (input: { orderId: string; taskToken: string }) =>
  awaitBuyer(store, input),
);
