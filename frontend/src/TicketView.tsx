import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import type { OrderView } from './types';
import { formatPrice } from './words';

/** The same rendering as the server's PNG route (lambdas/core/tickets/ticket-qr.ts). */
const QR_OPTIONS = { errorCorrectionLevel: 'M', margin: 1, width: 240 } as const;

/**
 * The tickets of my confirmed orders: one card per valid seat with its QR code, rendered here
 * from the signed token (no image is stored or sent; voided tickets are not shown).
 */
export function TicketList({ orders }: { orders: readonly OrderView[] }) {
  const tickets = orders.flatMap((order) =>
    (order.tickets ?? [])
      .filter((ticket) => ticket.state === 'VALID')
      .map((ticket) => ({ ...ticket, orderId: order.orderId, currency: order.currency })),
  );
  if (tickets.length === 0) return null;
  return (
    <section className="card tickets" aria-label="Your tickets">
      <h2>Your tickets</h2>
      <ul>
        {tickets.map((ticket) => (
          <li key={ticket.ticketId} className="ticket" data-testid="ticket" data-ticket-seat={ticket.seatId}>
            <TicketQr token={ticket.token} label={`QR code of ticket ${ticket.ticketId} for seat ${ticket.seatId}`} />
            <div>
              <strong>Seat {ticket.seatId}</strong>
              {ticket.priceCents !== undefined && (
                <span data-testid="ticket-price">{formatPrice(ticket.priceCents, ticket.currency)}</span>
              )}
              <code className="ticket-id">{ticket.ticketId}</code>
              <span className="muted">Show the QR code at the door.</span>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The token's QR code as a PNG data URL, drawn on a canvas by the `qrcode` package. */
function TicketQr({ token, label }: { token: string; label: string }) {
  const [src, setSrc] = useState<string | undefined>();
  useEffect(() => {
    let current = true;
    QRCode.toDataURL(token, QR_OPTIONS)
      .then((url) => {
        if (current) setSrc(url);
      })
      .catch(() => {
        if (current) setSrc(undefined);
      });
    return () => {
      current = false;
    };
  }, [token]);
  if (!src) return <div className="ticket-qr-pending" aria-hidden="true" style={{ width: 132, height: 132 }} />;
  return <img src={src} alt={label} width={132} height={132} />;
}
