import { useCallback, useEffect, useMemo, useState } from 'react';
import type { OrderStory } from '../../contract/order-story';
import { ApiError } from './api';
import { EventSelect, useEventChoice } from './EventChoice';
import { EventDashboard } from './EventDashboard';
import { FieldError } from './FieldError';
import { matchesSearch } from './order-search';
import type { OrderSummary, StaffApi, StaffCredential, TicketRefund } from './staff-api';
import { TicketRefundButton } from './TicketRefundButton';
import { formatPrice } from './words';

/**
 * The console's orders: an event's orders searched by order id, seat or buyer, each linking to
 * its story page (`/admin/orders/{orderId}`), "who got tickets" as a CSV download, and the event's
 * live dashboard (EventDashboard.tsx).
 */

interface StaffProps {
  readonly api: StaffApi;
  readonly operator: StaffCredential;
  readonly onExpired: () => void;
}

const REFRESH_MS = 5_000;

const message = (cause: unknown) => (cause instanceof Error ? cause.message : String(cause));

export function EventOrders({ api, operator, onExpired }: StaffProps) {
  const [orders, setOrders] = useState<OrderSummary[]>();
  const [search, setSearch] = useState('');
  const [error, setError] = useState<string>();
  const { events, eventId, setEventId } = useEventChoice(api, (cause) => setError(message(cause)));

  const fail = useCallback(
    (cause: unknown) => {
      if (cause instanceof ApiError && cause.status === 401) onExpired();
      else setError(message(cause));
    },
    [onExpired],
  );

  // The orders table is re-read every few seconds; the dashboard above it follows the pushes.
  useEffect(() => {
    if (!eventId) return;
    setOrders(undefined);
    setError(undefined);
    let stopped = false;
    const read = () => {
      api.orders(operator.token, eventId).then((list) => stopped || setOrders(list), fail);
    };
    read();
    const timer = window.setInterval(read, REFRESH_MS);
    return () => {
      stopped = true;
      window.clearInterval(timer);
    };
  }, [api, operator.token, eventId, fail]);

  const shown = useMemo(() => orders?.filter((order) => matchesSearch(order, search)), [orders, search]);

  async function downloadCsv() {
    try {
      const blob = await api.ticketsCsv(operator.token, eventId);
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = `tickets-${eventId}.csv`;
      link.click();
      URL.revokeObjectURL(link.href);
    } catch (cause) {
      fail(cause);
    }
  }

  return (
    <section className="card staff-form" aria-label="Orders">
      <h2>Orders</h2>
      <EventSelect label="Orders of event" events={events} eventId={eventId} onChange={setEventId} />
      <label>
        Search orders
        <input
          type="search"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          placeholder="order id, seat (A1) or buyer"
        />
      </label>
      {eventId && <EventDashboard api={api} operator={operator.token} eventId={eventId} onExpired={onExpired} />}
      <button type="button" onClick={downloadCsv} disabled={!eventId}>
        Export tickets (CSV)
      </button>
      <FieldError message={error} />
      {!shown ? (
        eventId && !error && <p className="muted small">Loading orders…</p>
      ) : shown.length === 0 ? (
        <p className="muted small">{orders?.length ? 'No order matches.' : 'No orders yet.'}</p>
      ) : (
        <table className="orders-table" data-testid="orders-table">
          <thead>
            <tr>
              <th>Order</th>
              <th>Status</th>
              <th>Seats</th>
              <th>Buyer</th>
              <th>Amount</th>
              <th>Placed</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((order) => (
              <tr key={order.orderId}>
                <td>
                  <a href={`/admin/orders/${encodeURIComponent(order.orderId)}`}>{order.orderId}</a>
                </td>
                <td>{order.status}</td>
                <td>{order.seatIds.join(', ')}</td>
                <td>{order.buyerId}</td>
                <td>{formatPrice(order.amountCents, order.currency)}</td>
                <td>{new Date(order.createdAt).toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** An order's page: its story in plain words, dated moments, tickets and the flow's steps. */
export function OrderStoryCard({ api, operator, onExpired, orderId }: StaffProps & { readonly orderId: string }) {
  const [story, setStory] = useState<OrderStory>();
  const [error, setError] = useState<string>();
  // A ticket refunded from this page: said once, and the story read again (it tells the refund).
  const [refunded, setRefunded] = useState<TicketRefund>();

  const read = useCallback(() => {
    api.story(operator.token, orderId).then(setStory, (cause: unknown) => {
      if (cause instanceof ApiError && cause.status === 401) onExpired();
      else
        setError(cause instanceof ApiError && cause.status === 404 ? `There is no order ${orderId}.` : message(cause));
    });
  }, [api, operator.token, orderId, onExpired]);
  useEffect(read, [read]);
  const onRefunded = (refund: TicketRefund) => {
    setRefunded(refund);
    read();
  };

  return (
    <section className="card order-story" aria-label="Order story">
      <p>
        <a href="/admin">← All orders</a>
      </p>
      <h2>Order {orderId}</h2>
      <FieldError message={error} />
      {!story && !error && <p className="muted small">Loading the story…</p>}
      {story && (
        <>
          <p data-testid="story-status">
            <strong>{story.status}</strong> · {story.seatIds.join(', ')} ·{' '}
            {formatPrice(story.amountCents, story.currency)} · buyer {story.buyerId} · event {story.eventId}
            {story.execution?.waitsIn && <> · waits in {story.execution.waitsIn}</>}
          </p>
          <h3>What to know</h3>
          <ul data-testid="story-explanation">
            {story.explanation.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
          <h3>When</h3>
          <ol className="story-moments">
            {story.moments.map((moment) => (
              <li key={`${moment.at}-${moment.what}`}>
                <time dateTime={new Date(moment.at).toISOString()}>{new Date(moment.at).toLocaleString()}</time>{' '}
                {moment.what}
              </li>
            ))}
          </ol>
          {story.tickets.length > 0 && (
            <>
              <h3>Tickets</h3>
              {refunded && (
                <p role="status" data-testid="ticket-refund-result">
                  {refunded.refundedNow ? 'Refunded' : 'Already refunded'} {refunded.seatId}:{' '}
                  {formatPrice(refunded.refundCents, story.currency)} back, ticket voided
                  {refunded.releasedSeatId ? `, seat ${refunded.releasedSeatId} back on sale` : ''}
                  {refunded.orderRefund ? ' — it was the last ticket: the order is refunded' : ''}.
                </p>
              )}
              <ul>
                {story.tickets.map((t) => (
                  <li key={t.ticketId}>
                    {t.seatId} — {t.state}
                    {t.checkedInAt !== undefined &&
                      `, checked in ${new Date(t.checkedInAt).toLocaleString()} at ${t.checkedInBy ?? 'a door'}`}{' '}
                    <span className="muted small">{t.ticketId}</span>{' '}
                    <TicketRefundButton
                      api={api}
                      operator={operator}
                      orderId={orderId}
                      ticket={t}
                      currency={story.currency}
                      onRefunded={onRefunded}
                      onExpired={onExpired}
                    />
                  </li>
                ))}
              </ul>
            </>
          )}
          <h3>The order flow, step by step</h3>
          {story.steps.length === 0 ? (
            <p className="muted small">No execution history.</p>
          ) : (
            <pre className="story-steps">{story.steps.join('\n')}</pre>
          )}
        </>
      )}
    </section>
  );
}
