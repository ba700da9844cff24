import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { ApiError } from './api';
import type { StaffApi, StaffCredential } from './staff-api';
import type { EventInfo } from './types';

/**
 * The console's events: the list (date, seats, sale start) and a form to create one. Price levels
 * are not here yet: one price per event, as the API takes it.
 */

interface StaffProps {
  readonly api: StaffApi;
  readonly operator: StaffCredential;
  readonly onExpired: () => void;
}

/** The API's issues are `field: message` (`waitingRoom.maxActivePurchasers: …`): by field, for the form. */
export function issuesByField(issues: readonly string[]): Record<string, string> {
  const byField: Record<string, string> = {};
  for (const issue of issues) {
    const at = issue.indexOf(': ');
    const field = at > 0 ? issue.slice(0, at) : 'event';
    byField[field] = byField[field] ? `${byField[field]}; ${issue.slice(at + 2)}` : issue.slice(at + 2);
  }
  return byField;
}

/** A `datetime-local` value (the browser's zone) as ISO 8601 with an offset; undefined when empty. */
function isoOf(local: string): string | undefined {
  if (local === '') return undefined;
  const at = new Date(local);
  return Number.isNaN(at.getTime()) ? local : at.toISOString();
}

const EMPTY = {
  name: '',
  venue: '',
  startsAt: '',
  rows: '10',
  seatsPerRow: '20',
  price: '25.00',
  holdMinutes: '15',
  maxSeatsPerOrder: '6',
  salesStartAt: '',
  waitingRoom: false,
  maxActivePurchasers: '10',
  admissionMinutes: '5',
};

export function ConsoleEvents({ api, operator, onExpired }: StaffProps) {
  const [events, setEvents] = useState<EventInfo[]>();
  const [form, setForm] = useState(EMPTY);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [created, setCreated] = useState<EventInfo>();
  const [busy, setBusy] = useState(false);

  const reload = useCallback(() => {
    api.listEvents().then(setEvents, (cause: unknown) => setErrors({ event: String(cause) }));
  }, [api]);
  useEffect(reload, [reload]);

  const set = (field: keyof typeof EMPTY) => (value: string | boolean) => setForm((f) => ({ ...f, [field]: value }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setCreated(undefined);
    const startsAt = isoOf(form.startsAt);
    const salesStartAt = isoOf(form.salesStartAt);
    const input: Record<string, unknown> = {
      name: form.name,
      ...(form.venue.trim() ? { venue: form.venue } : {}),
      ...(startsAt ? { startsAt } : {}),
      rows: Number(form.rows),
      seatsPerRow: Number(form.seatsPerRow),
      priceCents: Math.round(Number(form.price) * 100),
      holdSeconds: Math.round(Number(form.holdMinutes) * 60),
      maxSeatsPerOrder: Number(form.maxSeatsPerOrder),
      ...(salesStartAt ? { salesStartAt } : {}),
      ...(form.waitingRoom
        ? {
            waitingRoom: {
              enabled: true,
              maxActivePurchasers: Number(form.maxActivePurchasers),
              admissionSeconds: Math.round(Number(form.admissionMinutes) * 60),
            },
          }
        : {}),
    };
    try {
      const event = await api.createEvent(operator.token, input);
      setCreated(event);
      setForm(EMPTY);
      reload();
    } catch (cause) {
      if (cause instanceof ApiError && cause.status === 401) onExpired();
      else if (cause instanceof ApiError && cause.issues.length > 0) setErrors(issuesByField(cause.issues));
      else setErrors({ event: cause instanceof Error ? cause.message : String(cause) });
    } finally {
      setBusy(false);
    }
  }

  const field = (
    name: keyof typeof EMPTY,
    label: string,
    apiField: string,
    props: { type?: string; step?: string; required?: boolean } = {},
  ) => (
    <label>
      {label}
      <input
        type={props.type ?? 'text'}
        step={props.step}
        required={props.required}
        value={String(form[name])}
        onChange={(e) => set(name)(e.target.value)}
        aria-invalid={errors[apiField] ? true : undefined}
        aria-describedby={errors[apiField] ? `error-${apiField}` : undefined}
      />
      {errors[apiField] && (
        <span className="field-error" id={`error-${apiField}`} data-testid={`error-${apiField}`}>
          {errors[apiField]}
        </span>
      )}
    </label>
  );

  return (
    <>
      <section className="card" aria-label="Events">
        <h2>Events</h2>
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
              </tr>
            </thead>
            <tbody>
              {events.map((event) => (
                <tr key={event.eventId}>
                  <td>
                    <a href={`/events/${encodeURIComponent(event.eventId)}`}>{event.name}</a>{' '}
                    <span className="muted small">{event.eventId}</span>
                  </td>
                  <td>{event.startsAt ? new Date(event.startsAt).toLocaleString() : '—'}</td>
                  <td>{event.venue ?? '—'}</td>
                  <td>
                    {event.rows} × {event.seatsPerRow}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <form className="card staff-form" onSubmit={submit} aria-label="Create an event" noValidate>
        <h2>Create an event</h2>
        {field('name', 'Name', 'name', { required: true })}
        {field('venue', 'Venue', 'venue')}
        {field('startsAt', 'Date and time', 'startsAt', { type: 'datetime-local' })}
        {field('rows', 'Rows', 'rows', { type: 'number' })}
        {field('seatsPerRow', 'Seats per row', 'seatsPerRow', { type: 'number' })}
        {field('price', 'Price per seat (€)', 'priceCents', { type: 'number', step: '0.01' })}
        {field('holdMinutes', 'Hold minutes', 'holdSeconds', { type: 'number' })}
        {field('maxSeatsPerOrder', 'Max seats per order', 'maxSeatsPerOrder', { type: 'number' })}
        {field('salesStartAt', 'Sale starts', 'salesStartAt', { type: 'datetime-local' })}
        <label className="checkbox">
          <input type="checkbox" checked={form.waitingRoom} onChange={(e) => set('waitingRoom')(e.target.checked)} />{' '}
          Waiting room in front of the sale
        </label>
        {form.waitingRoom && (
          <>
            {field('maxActivePurchasers', 'Buyers choosing at once', 'waitingRoom.maxActivePurchasers', {
              type: 'number',
            })}
            {field('admissionMinutes', 'Admission minutes', 'waitingRoom.admissionSeconds', { type: 'number' })}
          </>
        )}
        {errors.event && (
          <p className="field-error" role="alert">
            {errors.event}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create event'}
        </button>
        {created && (
          <p role="status" data-testid="event-created">
            Created {created.name} ({created.eventId}).
          </p>
        )}
      </form>
    </>
  );
}
