import { describe, expect, it } from 'vitest';
import { ValidationFailed } from '../../lambdas/core/errors';
import { eventIdFor, parseEventInput } from '../../lambdas/core/event-spec';
import { effectiveStatus } from '../../lambdas/core/seat';

const valid = { name: 'TicketDrop Live', rows: 5, seatsPerRow: 6, priceCents: 4500 };

describe('event input', () => {
  it('fills in defaults', () => {
    expect(parseEventInput(valid)).toMatchObject({ currency: 'EUR', holdSeconds: 900, maxSeatsPerOrder: 6 });
  });

  it.each([
    [{ ...valid, rows: 0 }, 'rows'],
    [{ ...valid, seatsPerRow: 2.5 }, 'seatsPerRow'],
    [{ ...valid, priceCents: -1 }, 'priceCents'],
    [{ ...valid, name: '   ' }, 'name'],
    [{ ...valid, eventId: 'Has Spaces' }, 'eventId'],
    [{ ...valid, currency: 'euro' }, 'currency'],
    [{ ...valid, holdSeconds: 5 }, 'holdSeconds'],
    [{ ...valid, rows: 200, seatsPerRow: 200 }, 'at most 20000 seats'],
    [{ ...valid, surprise: true }, 'surprise'],
    ['not an object', 'event'],
  ])('refuses %j with a message naming %s', (input, field) => {
    expect(() => parseEventInput(input)).toThrow(ValidationFailed);
    expect(() => parseEventInput(input)).toThrow(field);
  });

  it('derives a readable event id from the name', () => {
    expect(eventIdFor('TicketDrop Live!', () => 0.5)).toMatch(/^ticketdrop-live-[0-9a-z]{4}$/);
    expect(eventIdFor('???', () => 0)).toBe('event-0000');
  });
});

describe('effective seat status', () => {
  it('treats a lapsed hold as available, before anything releases it', () => {
    expect(effectiveStatus({ status: 'HELD', holdExpiresAt: 1000 }, 999)).toBe('HELD');
    expect(effectiveStatus({ status: 'HELD', holdExpiresAt: 1000 }, 1000)).toBe('HELD');
    expect(effectiveStatus({ status: 'HELD', holdExpiresAt: 1000 }, 1001)).toBe('AVAILABLE');
    expect(effectiveStatus({ status: 'SOLD' }, 5000)).toBe('SOLD');
  });
});
