import { compensateOrder, type EndingStatus } from '../core/orders/settlement';
import { SimulatedProcessor } from '../core/payments/simulated-processor';
import { storeFromEnv } from '../core/platform/store';
import { stepHandler } from './step-handler';

/** ExpireOrder, CancelOrder, RejectUnknownAction: end the order without tickets, refunding anything charged. */
const store = storeFromEnv();
export const handler = stepHandler('EndOrder', (input: { orderId: string; status: EndingStatus; reason: string }) =>
  compensateOrder(store, new SimulatedProcessor(store), input),
);
