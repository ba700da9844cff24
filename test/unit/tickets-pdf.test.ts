import jsQR from 'jsqr';
import { decodePDFRawStream, PDFArray, PDFDocument, PDFRawStream } from 'pdf-lib';
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

  it('its QR code, drawn as squares, reads back as the ticket’s token', async () => {
    const token = 'eyJ0IjoidGt0X2EiLCJvIjoib3JkXzEiLCJzIjoiQTEifQ.c2lnbmF0dXJlLW9mLXRoZS10aWNrZXQta2V5LTAxMjM0NTY3';
    const pdf = await PDFDocument.load(await ticketsPdf({ order: order([{ ...ticket('A1'), token }]), event }));
    const { width, height } = pdf.getPage(0).getSize();
    expect(
      jsQR(rasterOfBlackSquares(pageContent(pdf), width, height), Math.ceil(width) * 3, Math.ceil(height) * 3)?.data,
    ).toBe(token);
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

/** The page's content stream as text (pdf-lib writes one or more, compressed). */
function pageContent(pdf: PDFDocument): string {
  const contents = pdf.getPage(0).node.Contents();
  const streams = contents instanceof PDFArray ? contents.asArray().map((ref) => pdf.context.lookup(ref)) : [contents];
  return streams
    .map((stream) =>
      stream instanceof PDFRawStream ? new TextDecoder().decode(decodePDFRawStream(stream).decode()) : '',
    )
    .join('\n');
}

/**
 * The black rectangles pdf-lib drew (`0 0 0 rg … 1 0 0 1 x y cm … 0 0 m 0 h l w h l`) painted on
 * white at 3 px per point, as RGBA: what a camera would see of the QR code, without a PDF renderer.
 */
function rasterOfBlackSquares(content: string, width: number, height: number): Uint8ClampedArray {
  const scale = 3;
  const w = Math.ceil(width) * scale;
  const h = Math.ceil(height) * scale;
  const pixels = new Uint8ClampedArray(w * h * 4).fill(255);
  const square = /0 0 0 rg\n[\s\S]*?1 0 0 1 (\S+) (\S+) cm\n[\s\S]*?0 0 m\n0 (\S+) l\n(\S+) \S+ l/g;
  for (const match of content.matchAll(square)) {
    const [x, y, side, across] = match.slice(1, 5).map(Number) as [number, number, number, number];
    for (let py = Math.round((height - y - side) * scale); py < Math.round((height - y) * scale); py++) {
      for (let px = Math.round(x * scale); px < Math.round((x + across) * scale); px++) {
        pixels.fill(0, (py * w + px) * 4, (py * w + px) * 4 + 3);
      }
    }
  }
  return pixels;
}
