import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../lambdas/core/platform/config';
import { logger } from '../../lambdas/core/platform/logger';
import type { Store } from '../../lambdas/core/platform/store';
import { createHandler } from '../../lambdas/steps/send-notification';

/**
 * The confirmation step reads what its message says of the event (name, date, venue) once per
 * container and event: an event with orders cannot be edited, and two event reads per paid order
 * (e-mail, SMS) were the notifications' whole DynamoDB cost (bench:sellout's requests by caller).
 */
describe('SendNotification', () => {
  beforeEach(() => {
    vi.spyOn(logger, 'info').mockImplementation(() => undefined);
  });
  afterEach(() => vi.restoreAllMocks());

  it("reads an event once for all its orders' e-mails and SMS, and each event of its own", async () => {
    const reads: string[] = [];
    const send = vi.fn(async (command: unknown) => {
      if (!(command instanceof GetCommand)) throw new Error('only event reads are expected');
      const eventId = String(command.input.Key?.eventId);
      reads.push(eventId);
      return { Item: { eventId, name: `Show ${eventId}`, venue: 'Hall', startsAt: '2027-06-01T20:00:00+02:00' } };
    });
    const store = { doc: { send }, tables: { events: 'events' }, now: () => 1_000 } as unknown as Store;
    const config = parseConfig({ NOTIFICATION_FAILURE_RATE: '0' });
    const notificationSimulator = {
      ...config.notificationSimulator,
      latencyMs: 0,
      emailFailureRate: 0,
      smsFailureRate: 0,
    };
    const step = createHandler({
      store,
      config: { ...config, notificationSimulator },
      secrets: { ticketSigningKey: async () => 'ticket-key-for-the-step-test-0123456789' },
    } as unknown as Parameters<typeof createHandler>[0]);
    const paid = (eventId: string, n: number) => ({
      orderId: `ord_${eventId}_${n}`,
      buyer: {
        order: {
          eventId,
          buyerId: `buy_${n}`,
          seatIds: ['A1'],
          currency: 'EUR',
          intent: { key: `k${n}`, amountCents: 100 },
        },
      },
    });
    for (let n = 0; n < 5; n++)
      for (const channel of ['email', 'sms'] as const)
        expect(await step({ ...paid('ev-1', n), channel } as never)).toEqual({ channel, result: 'sent' });
    await step({ ...paid('ev-2', 0), channel: 'email' } as never);
    expect(reads).toEqual(['ev-1', 'ev-2']);
  });
});
