import { endOrder, type EndingStatus } from '../core/steps/hold-steps';
import { storeFromEnv } from '../core/store';
import { stepHandler } from './step-handler';

const store = storeFromEnv();
export const handler = stepHandler('EndOrder', (input: { orderId: string; status: EndingStatus; reason: string }) =>
  endOrder(store, input),
);
