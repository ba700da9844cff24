import { type Channel, sendConfirmation } from '../core/notifications';
import { getOrder } from '../core/orders';
import { storeFromEnv } from '../core/store';
import { stepHandler } from './step-handler';

const store = storeFromEnv();
export const handler = stepHandler('SendNotification', async (input: { orderId: string; channel: Channel }) => {
  await sendConfirmation(input.channel, await getOrder(store, input.orderId));
  return { channel: input.channel, result: 'sent' as const };
});
