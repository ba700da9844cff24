import type { OrderView } from './types';

/** The tickets of my confirmed orders: one card per seat with its QR code. */
export function TicketList({ orders }: { orders: readonly OrderView[] }) {
  const tickets = orders.flatMap((order) =>
    (order.tickets ?? []).map((ticket) => ({ ...ticket, orderId: order.orderId })),
  );
  if (tickets.length === 0) return null;
  return (
    <section className="card tickets" aria-label="Your tickets">
      <h2>Your tickets</h2>
      <ul>
        {tickets.map((ticket) => (
          <li key={ticket.ticketId} className="ticket" data-testid="ticket" data-ticket-seat={ticket.seatId}>
            <img
              src={ticket.qrCode}
              alt={`QR code of ticket ${ticket.ticketId} for seat ${ticket.seatId}`}
              width={132}
              height={132}
            />
            <div>
              <strong>Seat {ticket.seatId}</strong>
              <code className="ticket-id">{ticket.ticketId}</code>
              <span className="muted">Show the QR code at the door.</span>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
