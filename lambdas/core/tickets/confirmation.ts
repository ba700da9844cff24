import type { NotificationSimulatorConfig } from '../../../contract/order-flow-settings';
import type { OrderRecord } from '../orders/order-record';
import { logger } from '../platform/logger';

/**
 * Simulated e-mail and SMS senders: they log what they would send, take a little time and fail
 * at a configurable rate. The order flow retries them and records the outcome; a failure never
 * fails the purchase.
 */

export type Channel = 'email' | 'sms';

export class NotificationFailed extends Error {
  override readonly name = 'NotificationFailed';
}

export async function sendConfirmation(
  channel: Channel,
  order: Pick<OrderRecord, 'orderId' | 'eventId' | 'buyerId' | 'seatIds'>,
  config: NotificationSimulatorConfig,
  random: () => number = Math.random,
): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, config.latencyMs));
  const failureRate = channel === 'email' ? config.emailFailureRate : config.smsFailureRate;
  if (random() < failureRate) throw new NotificationFailed(`The ${channel} gateway did not accept the message`);
  logger.info('Confirmation sent', {
    channel,
    orderId: order.orderId,
    eventId: order.eventId,
    to: `buyer ${order.buyerId}`,
    text: `Your tickets for ${order.eventId}: seats ${order.seatIds.join(', ')}`,
  });
}
