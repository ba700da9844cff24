import { useEffect, useRef, useState } from 'react';
import { useApp } from './app-context';
import type { EventInfo } from './types';
import { formatEventDate, formatPriceRange, saleState } from './words';

/** All events by date (the API sorts them), with seats left or when the sale opens; with just one, it opens straight away. */
export function EventList({ onOpen }: { onOpen: (eventId: string, replace?: boolean) => void }) {
  const { api } = useApp();
  const [events, setEvents] = useState<EventInfo[]>();
  const [error, setError] = useState<string>();
  const open = useRef(onOpen);
  open.current = onOpen;

  useEffect(() => {
    api.listEvents().then(
      (list) => {
        if (list.length === 1) open.current(list[0]!.eventId, true);
        else setEvents(list);
      },
      (cause: unknown) => setError(cause instanceof Error ? cause.message : String(cause)),
    );
  }, [api]);

  if (error)
    return (
      <div className="notice error" role="alert">
        Could not load the events: {error}
      </div>
    );
  if (!events) return <p className="loading">Loading events…</p>;
  if (events.length === 0) return <p>No events on sale yet.</p>;
  return (
    <section className="event-list">
      <h1>Events on sale</h1>
      <ul>
        {events.map((event) => (
          <li key={event.eventId}>
            <a
              href={`/events/${encodeURIComponent(event.eventId)}`}
              onClick={(e) => {
                e.preventDefault();
                onOpen(event.eventId);
              }}
            >
              <strong>{event.name}</strong>
              {event.startsAt && (
                <time dateTime={event.startsAt} data-testid="event-date">
                  {formatEventDate(event.startsAt)}
                </time>
              )}
              <span>
                {event.venue ? `${event.venue} · ` : ''}
                {event.rows * event.seatsPerRow} seats ·{' '}
                <span data-testid="price-range">{formatPriceRange(event)}</span>
              </span>
              {saleState(event) && <span data-testid="sale-state">{saleState(event)}</span>}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
