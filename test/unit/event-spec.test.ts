import { describe, expect, it } from 'vitest';
import { eventIdFor, parseEventInput } from '../../lambdas/core/events/event-spec';
import { ValidationFailed } from '../../lambdas/core/platform/errors';
import { effectiveStatus } from '../../lambdas/core/seats/seat-item';

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

describe('event input at its edges', () => {
  it.each([
    ['ab', true],
    ['a'.repeat(63), true],
    ['0-day', true],
    ['a', false],
    ['a'.repeat(64), false],
    ['-leading-hyphen', false],
    ['under_score', false],
    ['UPPER', false],
  ])('event id %j accepted: %s', (eventId, accepted) => {
    if (accepted) expect(parseEventInput({ ...valid, eventId }).eventId).toBe(eventId);
    else
      expect(() => parseEventInput({ ...valid, eventId })).toThrow(
        'eventId: lowercase letters, digits and hyphens, 2-63 characters',
      );
  });

  it('takes exactly 20,000 seats, not one more', () => {
    expect(parseEventInput({ ...valid, rows: 100, seatsPerRow: 200 })).toMatchObject({ rows: 100, seatsPerRow: 200 });
    expect(() => parseEventInput({ ...valid, rows: 200, seatsPerRow: 101 })).toThrow(
      'event: at most 20000 seats per event',
    );
  });

  it('trims the name and the venue', () => {
    expect(parseEventInput({ ...valid, name: '  Live  ', venue: ' Hall ' })).toMatchObject({
      name: 'Live',
      venue: 'Hall',
    });
  });

  it('wants a start time with its offset, so nobody has to guess the time zone', () => {
    expect(parseEventInput({ ...valid, startsAt: '2027-05-01T20:00:00+02:00' }).startsAt).toBe(
      '2027-05-01T20:00:00+02:00',
    );
    expect(parseEventInput({ ...valid, startsAt: '2027-05-01T18:00:00Z' }).startsAt).toBe('2027-05-01T18:00:00Z');
    expect(() => parseEventInput({ ...valid, startsAt: '2027-05-01 20:00' })).toThrow('startsAt');
  });

  it('allows 1 to 50 seats per order and a free event', () => {
    expect(parseEventInput({ ...valid, maxSeatsPerOrder: 50, priceCents: 0 })).toMatchObject({
      maxSeatsPerOrder: 50,
      priceCents: 0,
    });
    expect(() => parseEventInput({ ...valid, maxSeatsPerOrder: 51 })).toThrow('maxSeatsPerOrder');
    expect(() => parseEventInput({ ...valid, maxSeatsPerOrder: 0 })).toThrow('maxSeatsPerOrder');
  });

  it('lists every problem of one input', () => {
    try {
      parseEventInput({ name: '', rows: 0 });
      expect.unreachable();
    } catch (error) {
      expect((error as ValidationFailed).issues.map((issue) => issue.split(':')[0])).toEqual(
        expect.arrayContaining(['name', 'rows', 'seatsPerRow', 'priceCents']),
      );
    }
  });

  it('makes ids from accented names, cuts long ones, and always ends in 4 random characters', () => {
    expect(eventIdFor('Café Olé', () => 0)).toBe('cafe-ole-0000');
    const long = eventIdFor('x'.repeat(100), () => 0.999_999_9);
    expect(long).toBe(`${'x'.repeat(40)}-zzzz`);
    expect(long).toMatch(/^[a-z0-9][a-z0-9-]{1,62}$/);
  });
});
