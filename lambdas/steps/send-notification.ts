import { getEvent } from '../core/events/event-records';
import { getOrder } from '../core/orders/order-store';
import { type Channel, sendConfirmation } from '../core/tickets/confirmation';
import { ticketEventOf } from '../core/tickets/tickets-page';
import { fromEnvironment, type Platform } from '../wiring/platform';
import { type AfterPayInput, stepHandler } from './step-handler';

/** Containers keep at most this many events' names, dates and venues (a few drops at once). */
const REMEMBERED_EVENTS = 256;

export function createHandler(platform: Pick<Platform, 'store' | 'config' | 'secrets'>) {
  // What a message says of its event (name, date, venue) cannot change once the event has orders
  // (edit-event.ts refuses edits then), so a container reads it once per event, not once per
  // message: two event reads per paid order were the notifications' whole DynamoDB cost.
  const ticketEvents = new Map<string, ReturnType<typeof ticketEventOf>>();
  const ticketEventFor = async (eventId: string) => {
    const known = ticketEvents.get(eventId);
    if (known) return known;
    const read = ticketEventOf(await getEvent(platform.store, eventId));
    if (ticketEvents.size >= REMEMBERED_EVENTS) ticketEvents.clear();
    ticketEvents.set(eventId, read);
    return read;
  };
  return stepHandler('SendNotification', async (input: AfterPayInput & { channel: Channel }) => {
    // Who and which seats: from the paid order the flow carries; read only when it carries none.
    const paid = input.buyer?.order;
    const order = paid ? { orderId: input.orderId, ...paid } : await getOrder(platform.store, input.orderId);
    // The ticket key signs the message's tickets link; the event gives its name, date and venue.
    const [ticketKey, event] = await Promise.all([platform.secrets.ticketSigningKey(), ticketEventFor(order.eventId)]);
    await sendConfirmation(
      input.channel,
      { ...order, event },
      platform.config.notificationSimulator,
      Math.random,
      ticketKey,
      () => platform.store.now(),
    );
    return { channel: input.channel, result: 'sent' as const };
  });
}

export const handler = fromEnvironment(createHandler);
