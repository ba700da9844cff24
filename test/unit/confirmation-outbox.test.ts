import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../lambdas/core/platform/config';
import { logger } from '../../lambdas/core/platform/logger';
import { readOutbox } from '../../lambdas/core/platform/outbox';
import { confirmationMessage, sendConfirmation } from '../../lambdas/core/tickets/confirmation';
import { eventTimeWithZone } from '../../lambdas/core/tickets/event-time';
import { ticketToken } from '../../lambdas/core/tickets/ticket-tokens';
import { isTicketsLinkSignature, ticketsLinkSignature } from '../../lambdas/core/tickets/tickets-link';

const KEY = 'ticket-key-for-the-outbox-test-0123456789';
const order = { orderId: 'ord_1', eventId: 'ev', buyerId: 'buy_1', seatIds: ['A1', 'A2'] };

describe('the tickets link', () => {
  it('verifies for its own order only, and is no ticket token of the same key', () => {
    const signature = ticketsLinkSignature('ord_1', KEY);
    expect(signature).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(isTicketsLinkSignature('ord_1', signature, KEY)).toBe(true);
    expect(isTicketsLinkSignature('ord_2', signature, KEY)).toBe(false);
    expect(isTicketsLinkSignature('ord_1', signature, `${KEY}x`)).toBe(false);
    expect(isTicketsLinkSignature('ord_1', signature.slice(1), KEY)).toBe(false);
    const token = ticketToken({ ticketId: 't', orderId: 'ord_1', eventId: 'ev', seatId: 'A1' }, KEY);
    expect(token.split('.')[1]).not.toBe(signature);
  });
});

describe('the confirmation carries the tickets link and lands in the configured outbox', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'outbox-test-'));
    vi.spyOn(logger, 'info').mockImplementation(() => undefined);
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await rm(dir, { recursive: true, force: true });
  });

  it('an e-mail and an SMS, newest first, each with the absolute signed link', async () => {
    const config = {
      ...parseConfig({ SITE_URL: 'http://127.0.0.1:3000/', NOTIFICATION_OUTBOX_DIR: dir }).notificationSimulator,
      latencyMs: 0,
      emailFailureRate: 0,
      smsFailureRate: 0,
    };
    expect(config.siteUrl).toBe('http://127.0.0.1:3000');
    await sendConfirmation(
      'email',
      order,
      config,
      () => 0.5,
      KEY,
      () => 1000,
    );
    await sendConfirmation(
      'sms',
      order,
      config,
      () => 0.5,
      KEY,
      () => 2000,
    );
    const link = `http://127.0.0.1:3000/tickets/ord_1?t=${ticketsLinkSignature('ord_1', KEY)}`;
    expect(await readOutbox(dir)).toEqual([
      {
        channel: 'sms',
        to: 'buyer buy_1',
        orderId: 'ord_1',
        eventId: 'ev',
        text: expect.stringContaining(link),
        sentAt: 2000,
      },
      {
        channel: 'email',
        to: 'buyer buy_1',
        orderId: 'ord_1',
        eventId: 'ev',
        subject: 'Your tickets for ev',
        text: `Your tickets for ev: seats A1, A2\nYour tickets and their QR codes, any time: ${link}`,
        sentAt: 1000,
      },
    ]);
  });

  it('a failed send keeps nothing; an unwritable outbox does not fail the send; a damaged line is skipped', async () => {
    const config = { emailFailureRate: 1, smsFailureRate: 0, latencyMs: 0, outboxDir: dir };
    await expect(sendConfirmation('email', order, config, () => 0.5, KEY)).rejects.toThrow();
    expect(await readOutbox(dir)).toEqual([]);

    vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const file = join(dir, 'not-a-folder');
    await writeFile(file, 'x');
    await expect(
      sendConfirmation('sms', order, { ...config, outboxDir: join(file, 'outbox') }, () => 0.5, KEY),
    ).resolves.toBeUndefined();

    await writeFile(join(dir, 'outbox.jsonl'), '{"channel":"sms"}\nnot json\n');
    expect(await readOutbox(dir)).toEqual([{ channel: 'sms' }]);
  });

  it('refuses a SITE_URL that is no http(s) URL', () => {
    expect(() => parseConfig({ SITE_URL: 'javascript:alert(1)' })).toThrow(/SITE_URL/);
  });
});

describe('the event in the confirmation: its name, and its date and time in its own zone, the zone written out', () => {
  it('prints the wall-clock time at the event with its offset, whatever zone the sender runs in', () => {
    expect(eventTimeWithZone('2027-06-01T20:00:00+02:00')).toBe('Tue, 1 Jun 2027, 20:00 (UTC+02:00)');
    expect(eventTimeWithZone('2027-06-01T23:30:00-05:00')).toBe('Tue, 1 Jun 2027, 23:30 (UTC-05:00)');
    expect(eventTimeWithZone('2027-06-01T18:00:00Z')).toBe('Tue, 1 Jun 2027, 18:00 (UTC)');
    expect(eventTimeWithZone('not a date')).toBe('not a date');
  });

  it('the e-mail and the SMS name the event, its date with the zone, and its venue', () => {
    const event = {
      eventId: 'ev',
      name: 'Live',
      venue: 'Hall',
      startsAt: '2027-06-01T20:00:00+02:00',
      currency: 'EUR',
    };
    const email = confirmationMessage('email', { ...order, event }, {}, KEY, 1);
    expect(email.subject).toBe('Your tickets for Live, Tue, 1 Jun 2027, 20:00 (UTC+02:00)');
    expect(email.text).toContain('Your tickets for Live, Tue, 1 Jun 2027, 20:00 (UTC+02:00), Hall: seats A1, A2');
    const sms = confirmationMessage('sms', { ...order, event }, {}, KEY, 1);
    expect(sms.text).toContain('20:00 (UTC+02:00)');
  });
});
