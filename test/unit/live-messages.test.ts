import { describe, expect, it } from 'vitest';
import { newerOrder, parseLiveMessage, parseSubscribeRequest } from '../../contract/live-messages';
import type { OrderView } from '../../contract/order-view';

/** The live-update protocol at its edges (the common cases are in broadcast.test.ts). */

describe('subscribe requests', () => {
  it('take an event id of up to 128 characters, not more', () => {
    expect(
      parseSubscribeRequest(JSON.stringify({ action: 'subscribe', eventId: 'e'.repeat(128) }))?.eventId,
    ).toHaveLength(128);
    expect(parseSubscribeRequest(JSON.stringify({ action: 'subscribe', eventId: 'e'.repeat(129) }))).toBeUndefined();
  });

  it('refuse another action, an event id that is not a string, and bodies that are not objects', () => {
    for (const body of [
      '{"action":"unsubscribe","eventId":"ev"}',
      '{"action":"subscribe","eventId":42}',
      'null',
      '["subscribe","ev"]',
      '"subscribe"',
      '',
    ]) {
      expect(parseSubscribeRequest(body)).toBeUndefined();
    }
  });

  it('keep only the action and the event id of what was sent', () => {
    expect(parseSubscribeRequest('{"action":"subscribe","eventId":"ev","admin":true}')).toEqual({
      action: 'subscribe',
      eventId: 'ev',
    });
  });

  it("carry a buyer's session token when one is sent, and refuse one that is not a non-empty string of sane length", () => {
    expect(parseSubscribeRequest('{"action":"subscribe","eventId":"ev","token":"a.b.c"}')).toEqual({
      action: 'subscribe',
      eventId: 'ev',
      token: 'a.b.c',
    });
    for (const token of [42, '', 't'.repeat(2_049), null])
      expect(parseSubscribeRequest(JSON.stringify({ action: 'subscribe', eventId: 'ev', token }))).toBeUndefined();
  });
});

describe('server messages', () => {
  it('are recognised by each of the five types', () => {
    for (const type of ['seats', 'order', 'queue', 'subscribed', 'error'])
      expect(parseLiveMessage(JSON.stringify({ type }))?.type).toBe(type);
  });

  it('are ignored when they are not objects or have no known type', () => {
    for (const data of ['null', '5', '"seats"', '[{"type":"seats"}]', '{}', '{"type":"SEATS"}'])
      expect(parseLiveMessage(data)).toBeUndefined();
  });
});

describe('the newer order view', () => {
  it('keeps the view it has when both have the same version (a repeated message changes nothing)', () => {
    const current = { orderId: 'o', version: 4, status: 'PAYING' } as unknown as OrderView;
    const repeated = { orderId: 'o', version: 4, status: 'PAYING' } as unknown as OrderView;
    expect(newerOrder(current, repeated)).toBe(current);
  });
});
