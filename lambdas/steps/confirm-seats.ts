import { confirmOrderSeats } from '../core/steps/fulfilment-steps';
import { storeFromEnv } from '../core/store';
import { stepHandler } from './step-handler';

const store = storeFromEnv();
export const handler = stepHandler('ConfirmSeats', (input: { orderId: string }) => confirmOrderSeats(store, input));
