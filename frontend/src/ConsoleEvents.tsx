import { useCallback, useEffect, useState } from 'react';
import { EMPTY_EVENT, EventForm, valuesOf } from './EventForm';
import { FieldError } from './FieldError';
import type { StaffApi, StaffCredential } from './staff-api';
import type { EventInfo } from './types';
import { formatPriceRange } from './words';

/**
 * The console's events: the list (date, seats, prices, sale start), a form to create one, and the
 * same form to edit one before its sale (EventForm.tsx).
 */

interface StaffProps {
  readonly api: StaffApi;
  readonly operator: StaffCredential;
  readonly onExpired: () => void;
}

export function ConsoleEvents({ api, operator, onExpired }: StaffProps) {
  const [events, setEvents] = useState<EventInfo[]>();
  const [error, setError] = useState<string>();
  const [editing, setEditing] = useState<EventInfo>();

  const reload = useCallback(() => {
    api.listEvents().then(setEvents, (cause: unknown) => setError(String(cause)));
  }, [api]);
  useEffect(reload, [reload]);

  return (
    <>
      <section className="card" aria-label="Events">
        <h2>Events</h2>
        <FieldError message={error} />
        {!events ? (
          <p className="muted small">Loading events…</p>
        ) : events.length === 0 ? (
          <p className="muted small">No events yet.</p>
        ) : (
          <table className="orders-table" data-testid="events-table">
            <thead>
              <tr>
                <th>Event</th>
                <th>Date</th>
                <th>Venue</th>
                <th>Seats</th>
                <th>Prices</th>
                <th>Actions</th>
              </tr>
            </thead>
            <tbody>
              {events.map((event) => (
                <tr key={event.eventId} data-event={event.eventId}>
                  <td>
                    <a href={`/events/${encodeURIComponent(event.eventId)}`}>{event.name}</a>{' '}
                    <span className="muted small">{event.eventId}</span>
                  </td>
                  <td>{event.startsAt ? new Date(event.startsAt).toLocaleString() : '—'}</td>
                  <td>{event.venue ?? '—'}</td>
                  <td>
                    {event.rows} × {event.seatsPerRow}
                  </td>
                  <td>{formatPriceRange(event)}</td>
                  <td>
                    <button type="button" className="link" onClick={() => setEditing(event)}>
                      Edit
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {editing && (
        <EventForm
          key={editing.eventId}
          mode="edit"
          initial={valuesOf(editing)}
          onExpired={onExpired}
          onCancel={() => setEditing(undefined)}
          onSubmit={async (input) => {
            const saved = await api.editEvent(operator.token, editing.eventId, input);
            reload();
            return `Saved ${saved.name} (${saved.eventId}).`;
          }}
        />
      )}
      <EventForm
        mode="create"
        initial={EMPTY_EVENT}
        onExpired={onExpired}
        onSubmit={async (input) => {
          const created = await api.createEvent(operator.token, input);
          reload();
          return `Created ${created.name} (${created.eventId}).`;
        }}
      />
    </>
  );
}
