import { getOrder } from '../core/orders/order-store';
import { storeFromEnv } from '../core/platform/store';
import { type Channel, sendConfirmation } from '../core/tickets/confirmation';
import { stepHandler } from './step-handler';

const store = storeFromEnv();
export const handler = stepHandler('SendNotification', async (input: { orderId: string; channel: Channel }) => {
  await sendConfirmation(input.channel, await getOrder(store, input.orderId));
  return { channel: input.channel, result: 'sent' as const };
});
