import { awaitBuyer } from '../core/orders/steps/hold-steps';
import { storeFromEnv } from '../core/platform/store';
import { stepHandler } from './step-handler';

const store = storeFromEnv();
export const handler = stepHandler('AwaitBuyer', (input: { orderId: string; taskToken: string }) =>
  awaitBuyer(store, input),
);
