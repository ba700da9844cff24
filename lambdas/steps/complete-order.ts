import { completeOrder, type NotificationOutcome } from '../core/orders/steps/fulfilment-steps';
import { SimulatedProcessor } from '../core/payments/simulated-processor';
import { storeFromEnv } from '../core/platform/store';
import { stepHandler } from './step-handler';

const store = storeFromEnv();
export const handler = stepHandler(
  'CompleteOrder',
  (input: { orderId: string; notifications: NotificationOutcome[] }) =>
    completeOrder(store, new SimulatedProcessor(store), input),
);
