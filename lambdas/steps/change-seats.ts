import { changeSeats } from '../core/orders/steps/hold-steps';
import { fromEnvironment, type Platform } from '../wiring/platform';
import { stepHandler } from './step-handler';

export function createHandler(platform: Pick<Platform, 'store'>) {
  return stepHandler('ChangeSeats', (input: { orderId: string; seatIds: string[] }) =>
    changeSeats(platform.store, input),
  );
}

export const handler = fromEnvironment(createHandler);
