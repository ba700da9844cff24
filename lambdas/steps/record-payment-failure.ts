import { orderFlowConfig } from '../core/order-config';
import { SimulatedProcessor } from '../core/payments/simulated-processor';
import { recordPaymentFailure } from '../core/steps/payment-steps';
import { storeFromEnv } from '../core/store';
import { stepHandler } from './step-handler';

const store = storeFromEnv();
export const handler = stepHandler('RecordPaymentFailure', (input: { orderId: string; error?: string }) =>
  recordPaymentFailure(store, new SimulatedProcessor(store), orderFlowConfig(), input),
);
