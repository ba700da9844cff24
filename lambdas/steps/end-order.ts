import { SimulatedProcessor } from '../core/payments/simulated-processor';
import { compensateOrder, type EndingStatus } from '../core/settlement';
import { storeFromEnv } from '../core/store';
import { stepHandler } from './step-handler';

/** ExpireOrder, CancelOrder, RejectUnknownAction: end the order without tickets, refunding anything charged. */
const store = storeFromEnv();
export const handler = stepHandler('EndOrder', (input: { orderId: string; status: EndingStatus; reason: string }) =>
  compensateOrder(store, new SimulatedProcessor(store), input),
);
