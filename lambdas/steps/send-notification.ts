import { getEvent } from '../core/events/event-records';
import { getOrder } from '../core/orders/order-store';
import { type Channel, sendConfirmation } from '../core/tickets/confirmation';
import { ticketEventOf } from '../core/tickets/tickets-page';
import { fromEnvironment, type Platform } from '../wiring/platform';
import { type AfterPayInput, stepHandler } from './step-handler';

export function createHandler(platform: Pick<Platform, 'store' | 'config' | 'secrets'>) {
  return stepHandler('SendNotification', async (input: AfterPayInput & { channel: Channel }) => {
    // Who and which seats: from the paid order the flow carries; read only when it carries none.
    const paid = input.buyer?.order;
    const order = paid ? { orderId: input.orderId, ...paid } : await getOrder(platform.store, input.orderId);
    // The ticket key signs the message's tickets link; the event gives its name, date and venue.
    const [ticketKey, event] = await Promise.all([
      platform.secrets.ticketSigningKey(),
      getEvent(platform.store, order.eventId),
    ]);
    await sendConfirmation(
      input.channel,
      { ...order, event: ticketEventOf(event) },
      platform.config.notificationSimulator,
      Math.random,
      ticketKey,
      () => platform.store.now(),
    );
    return { channel: input.channel, result: 'sent' as const };
  });
}

export const handler = fromEnvironment(createHandler);
