import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { makeTickets, ticketToken, verifyTicketToken } from '../../lambdas/core/tickets/ticket-tokens';

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

  it('issues one ticket per seat with a PNG QR code, the same ones when issued again', async () => {
    const order = { orderId: 'ord_9', eventId: 'ev', seatIds: ['B1', 'B2'] };
    const tickets = await makeTickets(order, key);
    expect(tickets.map((t) => t.seatId)).toEqual(['B1', 'B2']);
    for (const ticket of tickets) {
      expect(ticket.qrCode).toMatch(/^data:image\/png;base64,/);
      expect(Buffer.from(ticket.qrCode.split(',')[1]!, 'base64').subarray(1, 4).toString()).toBe('PNG');
      expect(verifyTicketToken(ticket.token, key)).toMatchObject({ ticketId: ticket.ticketId, seatId: ticket.seatId });
    }
    expect((await makeTickets(order, key)).map((t) => t.ticketId)).toEqual(tickets.map((t) => t.ticketId));
  });
});
