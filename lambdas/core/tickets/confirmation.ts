import type { NotificationSimulatorConfig } from '../../../contract/order-flow-settings';
import type { TicketEvent } from '../../../contract/tickets-page';
import type { OrderRecord } from '../orders/order-record';
import { logger } from '../platform/logger';
import { addToOutbox, type SentMessage } from '../platform/outbox';
import { eventTimeWithZone } from './event-time';
import { ticketsLinkPath } from './tickets-link';

/**
 * Simulated e-mail and SMS senders: they log what they would send, take a little time and fail
 * at a configurable rate. The order flow retries them and records the outcome; a failure never
 * fails the purchase. Each message carries the order's signed tickets link, so a buyer who
 * cleared the browser keeps their tickets; with an outbox configured, what was sent is kept there.
 */

export type Channel = 'email' | 'sms';

export class NotificationFailed extends Error {
  override readonly name = 'NotificationFailed';
}

/** The order, and what its tickets name of the event (its name, date with its zone, venue) when at hand. */
type ConfirmedOrder = Pick<OrderRecord, 'orderId' | 'eventId' | 'buyerId' | 'seatIds'> & {
  readonly event?: TicketEvent;
};

export async function sendConfirmation(
  channel: Channel,
  order: ConfirmedOrder,
  config: NotificationSimulatorConfig,
  random: () => number = Math.random,
  ticketKey?: string,
  now: () => number = Date.now,
): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, config.latencyMs));
  const failureRate = channel === 'email' ? config.emailFailureRate : config.smsFailureRate;
  if (random() < failureRate) throw new NotificationFailed(`The ${channel} gateway did not accept the message`);
  const message = confirmationMessage(channel, order, config, ticketKey, now());
  logger.info('Confirmation sent', {
    channel,
    orderId: order.orderId,
    eventId: order.eventId,
    to: message.to,
    text: message.text,
  });
  // A message sent but not kept in the outbox is still sent: the outbox is a window onto the
  // simulated gateway, not part of the delivery, so its failure never fails the step.
  if (config.outboxDir)
    await addToOutbox(config.outboxDir, message).catch((error: unknown) =>
      logger.error('Could not keep the message in the outbox', { orderId: order.orderId, error: error as Error }),
    );
}

/**
 * The confirmation's text: the event (name, date and time in the event's own zone, venue), the
 * seats, and the tickets link when the ticket key is at hand.
 */
export function confirmationMessage(
  channel: Channel,
  order: ConfirmedOrder,
  config: Pick<NotificationSimulatorConfig, 'siteUrl'>,
  ticketKey: string | undefined,
  sentAt: number,
): SentMessage {
  const link = ticketKey ? `${config.siteUrl ?? ''}${ticketsLinkPath(order.orderId, ticketKey)}` : undefined;
  const event = order.event;
  const when = event?.startsAt ? eventTimeWithZone(event.startsAt) : undefined;
  const what = [event?.name ?? order.eventId, when, event?.venue].filter(Boolean).join(', ');
  const seats = `Your tickets for ${what}: seats ${order.seatIds.join(', ')}`;
  return {
    channel,
    to: `buyer ${order.buyerId}`,
    orderId: order.orderId,
    eventId: order.eventId,
    ...(channel === 'email'
      ? { subject: `Your tickets for ${[event?.name ?? order.eventId, when].filter(Boolean).join(', ')}` }
      : {}),
    text: link ? `${seats}\nYour tickets and their QR codes, any time: ${link}` : seats,
    sentAt,
  };
}
