import { SimulatedProcessor } from '../core/payments/simulated-processor';
import { refundPayment } from '../core/steps/payment-steps';
import { storeFromEnv } from '../core/store';
import { stepHandler } from './step-handler';

const store = storeFromEnv();
export const handler = stepHandler('RefundPayment', (input: { orderId: string; cause?: string }) =>
  refundPayment(store, new SimulatedProcessor(store), { orderId: input.orderId, reason: reasonFrom(input.cause) }),
);

/** Step Functions hands over the caught error's Cause: Lambda's JSON `{errorMessage, ...}`. */
function reasonFrom(cause: string | undefined): string {
  try {
    return (JSON.parse(cause ?? '') as { errorMessage?: string }).errorMessage ?? 'a seat was lost';
  } catch {
    return cause || 'a seat was lost';
  }
}
