import { SimulatedProcessor } from '../core/payments/simulated-processor';
import { completeOrder, type NotificationOutcome } from '../core/steps/fulfilment-steps';
import { storeFromEnv } from '../core/store';
import { stepHandler } from './step-handler';

const store = storeFromEnv();
export const handler = stepHandler(
  'CompleteOrder',
  (input: { orderId: string; notifications: NotificationOutcome[] }) =>
    completeOrder(store, new SimulatedProcessor(store), input),
);
