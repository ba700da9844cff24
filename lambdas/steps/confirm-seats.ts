import { confirmOrderSeats } from '../core/orders/steps/fulfilment-steps';
import { storeFromEnv } from '../core/platform/store';
import { stepHandler } from './step-handler';

const store = storeFromEnv();
export const handler = stepHandler('ConfirmSeats', (input: { orderId: string }) => confirmOrderSeats(store, input));
