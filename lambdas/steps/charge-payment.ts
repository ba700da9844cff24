import { chargePayment } from '../core/orders/steps/payment-steps';
import { SimulatedProcessor } from '../core/payments/simulated-processor';
import { storeFromEnv } from '../core/platform/store';
import { stepHandler } from './step-handler';

const store = storeFromEnv();
export const handler = stepHandler('ChargePayment', (input: { orderId: string; code: string }) =>
  chargePayment(store, new SimulatedProcessor(store), input),
);
