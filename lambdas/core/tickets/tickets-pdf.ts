import { PDFDocument, type PDFFont, type PDFPage, rgb, StandardFonts } from 'pdf-lib';
import QRCode from 'qrcode';
import type { TicketView } from '../../../contract/order-view';
import type { TicketsPage } from '../../../contract/tickets-page';
import { OrderStateConflict } from '../platform/errors';
import { eventTimeWithZone } from './event-time';
import { QR_OPTIONS } from './ticket-qr';

/** A6 portrait in PDF points (105 × 148 mm): one ticket per page, printable or kept on a phone. */
const PAGE = { width: 297.64, height: 419.53 } as const;
const MARGIN = 22;
const QR_SIDE = 170;
const INK = rgb(0.1, 0.1, 0.12);
const MUTED = rgb(0.4, 0.4, 0.45);

/**
 * An order's tickets as a PDF, one A6 page per valid ticket: the event (name, venue, date and
 * time in its own zone), seat, price, ticket id and its QR code — the signed ticket token, drawn
 * as vector squares (sharp at any size, nothing rasterised). Built on request, never stored.
 * An order with no valid ticket has nothing to print (OrderStateConflict: the tickets page says why).
 */
export async function ticketsPdf({ order, event }: TicketsPage): Promise<Uint8Array> {
  const tickets = order.status === 'CONFIRMED' ? (order.tickets ?? []).filter((t) => t.state === 'VALID') : [];
  if (tickets.length === 0)
    throw new OrderStateConflict(order.orderId, ['CONFIRMED'], `Order ${order.orderId} has no valid tickets to print`);
  const pdf = await PDFDocument.create();
  pdf.setTitle(`Tickets: ${event.name}`);
  pdf.setCreator('TicketDrop');
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const when = event.startsAt ? eventTimeWithZone(event.startsAt) : undefined;
  tickets.forEach((ticket, index) => {
    const page = pdf.addPage([PAGE.width, PAGE.height]);
    let y = PAGE.height - MARGIN - 14;
    const line = (text: string, font: PDFFont, size: number, color = INK) => {
      page.drawText(printable(font, text, size, PAGE.width - 2 * MARGIN), { x: MARGIN, y, size, font, color });
      y -= size + 6;
    };
    line(event.name, bold, 15);
    if (when) line(when, regular, 10);
    if (event.venue) line(event.venue, regular, 10);
    y -= 4;
    line(`Seat ${ticket.seatId}`, bold, 18);
    if (ticket.priceCents !== undefined) line(formatPrice(ticket.priceCents, event.currency), regular, 11);
    drawQr(page, ticket, (PAGE.width - QR_SIDE) / 2, MARGIN + 34);
    page.drawText(ticket.ticketId, { x: MARGIN, y: MARGIN + 16, size: 8, font: regular, color: MUTED });
    page.drawText(
      printable(
        regular,
        `Order ${order.orderId} · ticket ${index + 1} of ${tickets.length}`,
        7,
        PAGE.width - 2 * MARGIN,
      ),
      {
        x: MARGIN,
        y: MARGIN + 5,
        size: 7,
        font: regular,
        color: MUTED,
      },
    );
  });
  return pdf.save();
}

/** The token's QR code (same error correction as the PNG route and the browser) as filled squares, quiet zone included. */
function drawQr(page: PDFPage, ticket: TicketView, x: number, y: number): void {
  const { modules } = QRCode.create(ticket.token, { errorCorrectionLevel: QR_OPTIONS.errorCorrectionLevel });
  const quiet = 2;
  const cell = QR_SIDE / (modules.size + 2 * quiet);
  page.drawRectangle({ x, y, width: QR_SIDE, height: QR_SIDE, color: rgb(1, 1, 1) });
  for (let row = 0; row < modules.size; row++) {
    for (let col = 0; col < modules.size; col++) {
      if (!modules.get(row, col)) continue;
      page.drawRectangle({
        x: x + (col + quiet) * cell,
        // PDF y grows upwards: row 0 is the top of the code.
        y: y + QR_SIDE - (row + quiet + 1) * cell,
        width: cell,
        height: cell,
        color: rgb(0, 0, 0),
      });
    }
  }
}

/**
 * The text as the standard font can draw it (WinAnsi: a character it cannot encode becomes "?",
 * rather than failing the whole PDF), shortened with "…" to fit the width.
 */
function printable(font: PDFFont, text: string, size: number, maxWidth: number): string {
  let safe = '';
  for (const ch of text) {
    try {
      font.encodeText(ch);
      safe += ch;
    } catch {
      safe += '?';
    }
  }
  if (font.widthOfTextAtSize(safe, size) <= maxWidth) return safe;
  while (safe.length > 1 && font.widthOfTextAtSize(`${safe}…`, size) > maxWidth) safe = safe.slice(0, -1);
  return `${safe}…`;
}

function formatPrice(cents: number, currency: string): string {
  try {
    return new Intl.NumberFormat('en-GB', { style: 'currency', currency }).format(cents / 100);
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency}`;
  }
}
