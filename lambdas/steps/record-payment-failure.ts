import { orderFlowConfig } from '../../contract/order-flow-settings';
import { recordPaymentFailure } from '../core/orders/steps/payment-steps';
import { SimulatedProcessor } from '../core/payments/simulated-processor';
import { storeFromEnv } from '../core/platform/store';
import { stepHandler } from './step-handler';

const store = storeFromEnv();
export const handler = stepHandler('RecordPaymentFailure', (input: { orderId: string; error?: string }) =>
  recordPaymentFailure(store, new SimulatedProcessor(store), orderFlowConfig(), input),
);
