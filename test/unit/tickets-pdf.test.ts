import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import type { OrderView, TicketView } from '../../contract/order-view';
import type { TicketEvent } from '../../contract/tickets-page';
import { OrderStateConflict } from '../../lambdas/core/platform/errors';
import { ticketsPdf } from '../../lambdas/core/tickets/tickets-pdf';

const event: TicketEvent = {
  eventId: 'ev',
  name: 'TicketDrop Live',
  venue: 'Hall 1',
  startsAt: '2027-06-01T20:00:00+02:00',
  currency: 'EUR',
};
const ticket = (seatId: string, state: TicketView['state'] = 'VALID'): TicketView => ({
  ticketId: `tkt_${seatId.padEnd(20, 'x')}`,
  seatId,
  token: `token-of-${seatId}.signature`,
  state,
  priceCents: 8000,
});
const order = (tickets: TicketView[], status: OrderView['status'] = 'CONFIRMED') =>
  ({ orderId: 'ord_1', eventId: 'ev', status, seatIds: tickets.map((t) => t.seatId), tickets }) as unknown as OrderView;

describe('the tickets PDF', () => {
  it('has one A6 page per valid ticket, titled after the event', async () => {
    const bytes = await ticketsPdf({
      order: order([ticket('A1'), ticket('A2'), ticket('B7'), ticket('C1', 'VOIDED')]),
      event,
    });
    const pdf = await PDFDocument.load(bytes);
    expect(pdf.getPageCount()).toBe(3);
    expect(pdf.getTitle()).toBe('Tickets: TicketDrop Live');
    const { width, height } = pdf.getPage(0).getSize();
    expect([Math.round(width), Math.round(height)]).toEqual([298, 420]); // A6 in points
  });

  it('prints names the standard font cannot encode (a "?" for each such character) rather than failing', async () => {
    const bytes = await ticketsPdf({
      order: order([ticket('A1')]),
      event: { ...event, name: 'Живой концерт – Café € 🎸', venue: undefined, startsAt: undefined },
    });
    expect((await PDFDocument.load(bytes)).getPageCount()).toBe(1);
  });

  it('has nothing to print for an order without valid tickets', async () => {
    await expect(ticketsPdf({ order: order([ticket('A1', 'VOIDED')]), event })).rejects.toBeInstanceOf(
      OrderStateConflict,
    );
    await expect(ticketsPdf({ order: order([ticket('A1')], 'CANCELLED'), event })).rejects.toBeInstanceOf(
      OrderStateConflict,
    );
  });
});
