import { SimulatedProcessor } from '../core/payments/simulated-processor';
import { chargePayment } from '../core/steps/payment-steps';
import { storeFromEnv } from '../core/store';
import { stepHandler } from './step-handler';

const store = storeFromEnv();
export const handler = stepHandler('ChargePayment', (input: { orderId: string; code: string }) =>
  chargePayment(store, new SimulatedProcessor(store), input),
);
