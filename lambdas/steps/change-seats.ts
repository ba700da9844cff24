import { changeSeats } from '../core/orders/steps/hold-steps';
import { storeFromEnv } from '../core/platform/store';
import { stepHandler } from './step-handler';

const store = storeFromEnv();
export const handler = stepHandler('ChangeSeats', (input: { orderId: string; seatIds: string[] }) =>
  changeSeats(store, input),
);
