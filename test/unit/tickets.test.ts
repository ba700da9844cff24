import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ticketQrPng } from '../../lambdas/core/tickets/ticket-qr';
import { makeTickets, ticketIdOf, ticketToken, verifyTicketToken } from '../../lambdas/core/tickets/ticket-tokens';

const key = 'test-signing-key-0123456789';

describe('tickets', () => {
  it('signs a ticket so that it verifies, and any change breaks it', () => {
    const payload = { ticketId: 'tkt_1', orderId: 'ord_1', eventId: 'ev', seatId: 'A1' };
    const token = ticketToken(payload, key);
    expect(verifyTicketToken(token, key)).toEqual(payload);
    expect(verifyTicketToken(token, 'another-key-0123456789')).toBeUndefined();
    const forged = `${ticketToken({ ...payload, seatId: 'A2' }, key).split('.')[0]}.${token.split('.')[1]}`;
    expect(verifyTicketToken(forged, key)).toBeUndefined();
    expect(verifyTicketToken('garbage', key)).toBeUndefined();
  });

  it('refuses signatures of another length or encoding without throwing (compared in constant time on equal lengths)', () => {
    const token = ticketToken({ ticketId: 'tkt_1', orderId: 'ord_1', eventId: 'ev', seatId: 'A1' }, key);
    const [data, signature] = token.split('.') as [string, string];
    expect(verifyTicketToken(`${data}.${signature.slice(0, -1)}`, key)).toBeUndefined();
    expect(verifyTicketToken(`${data}.${signature}A`, key)).toBeUndefined();
    expect(verifyTicketToken(`${data}.${'é'.repeat(signature.length)}`, key)).toBeUndefined();
    expect(verifyTicketToken(`${data}.`, key)).toBeUndefined();
    expect(verifyTicketToken(`.${signature}`, key)).toBeUndefined();
    expect(verifyTicketToken(`${token}.x`, key)).toBeUndefined();
    // A valid signature over data that is not JSON: refused, not thrown.
    const junk = Buffer.from('not json').toString('base64url');
    expect(
      verifyTicketToken(`${junk}.${createHmac('sha256', key).update(junk).digest('base64url')}`, key),
    ).toBeUndefined();
  });

  it('uses crypto.timingSafeEqual for the signature comparison', async () => {
    const source = await import('node:fs/promises').then((fs) =>
      fs.readFile(new URL('../../lambdas/core/tickets/ticket-tokens.ts', import.meta.url), 'utf8'),
    );
    expect(source).toMatch(/timingSafeEqual/);
    expect(source).not.toMatch(/sign\(data, key\) !== signature/);
  });

  it('issues one VALID ticket per seat, no image, ids from order and seat: the same ones when issued again', () => {
    const order = { orderId: 'ord_9', eventId: 'ev', seatIds: ['B1', 'B2'] };
    const tickets = makeTickets(order, key, 1000);
    expect(tickets.map((t) => t.seatId)).toEqual(['B1', 'B2']);
    for (const ticket of tickets) {
      expect(ticket).toMatchObject({ orderId: 'ord_9', eventId: 'ev', state: 'VALID', issuedAt: 1000 });
      expect(ticket).not.toHaveProperty('qrCode');
      expect(ticket.ticketId).toBe(ticketIdOf('ord_9', ticket.seatId));
      expect(ticket.ticketId).toMatch(/^tkt_[A-Za-z0-9_-]{20}$/);
      expect(verifyTicketToken(ticket.token, key)).toMatchObject({ ticketId: ticket.ticketId, seatId: ticket.seatId });
    }
    expect(makeTickets(order, key, 2000).map((t) => t.ticketId)).toEqual(tickets.map((t) => t.ticketId));
    expect(new Set(tickets.map((t) => t.ticketId)).size).toBe(2);
    expect(ticketIdOf('ord_10', 'B1')).not.toBe(ticketIdOf('ord_9', 'B1'));
  });

  it('renders the QR code of a token as a PNG on request', async () => {
    const png = await ticketQrPng(
      ticketToken({ ticketId: 'tkt_1', orderId: 'ord_1', eventId: 'ev', seatId: 'A1' }, key),
    );
    expect(png.subarray(1, 4).toString()).toBe('PNG');
  });
});
