import { useEffect, useState } from 'react';
import type { TicketsPage as Tickets } from '../../contract/tickets-page';
import { EventDateVenue } from './EventDateVenue';
import type { StaffApi } from './staff-api';
import { TicketList } from './TicketView';

/**
 * An order's tickets by the signed link of its confirmation e-mail (`/tickets/{orderId}?t=…`):
 * no account and no session, so a buyer who cleared the browser still has their tickets.
 */
export function TicketsPage({ api, orderId }: { api: StaffApi; orderId: string }) {
  const [page, setPage] = useState<Tickets>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    const signature = new URLSearchParams(window.location.search).get('t') ?? '';
    api
      .ticketsByLink(orderId, signature)
      .then(setPage, (cause: unknown) => setError(cause instanceof Error ? cause.message : String(cause)));
  }, [api, orderId]);

  if (error)
    return (
      <div className="notice error" role="alert">
        These tickets cannot be shown: {error}
      </div>
    );
  if (!page) return <p className="loading">Loading your tickets…</p>;
  const { order, event } = page;
  const voided = (order.tickets ?? []).filter((ticket) => ticket.state === 'VOIDED');
  return (
    <section className="tickets-page">
      <h1>Your tickets for {event.name}</h1>
      <p className="muted">
        <EventDateVenue event={event} />
        Order {order.orderId} · seats {order.seatIds.join(', ')}
      </p>
      {order.status !== 'CONFIRMED' && (
        <div className="notice warn" role="alert">
          This order is {order.status.toLowerCase()}: its tickets no longer admit anyone.
        </div>
      )}
      {voided.length > 0 && order.status === 'CONFIRMED' && (
        <div className="notice warn">Voided: {voided.map((ticket) => ticket.seatId).join(', ')}</div>
      )}
      {order.status === 'CONFIRMED' && (order.tickets ?? []).some((ticket) => ticket.state === 'VALID') && (
        <p>
          <a
            className="button"
            href={api.ticketsPdfUrl(order.orderId, new URLSearchParams(window.location.search).get('t') ?? '')}
            download={`tickets-${order.orderId}.pdf`}
            data-testid="tickets-pdf"
          >
            Download PDF
          </a>{' '}
          <span className="muted">one page per ticket, to print or keep offline</span>
        </p>
      )}
      <TicketList orders={[order]} />
    </section>
  );
}
