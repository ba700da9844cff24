import { type FormEvent, useState } from 'react';
import { ApiError } from './api';
import { FieldError } from './FieldError';
import type { EventInfo } from './types';

/**
 * The console's event form, for a new event and for editing one before its sale: every field of
 * the event spec, price levels by row range among them, each refusal shown next to its field.
 */

export interface PriceLevelRow {
  readonly name: string;
  readonly fromRow: string;
  readonly toRow: string;
  readonly price: string;
}

export interface EventFormValues {
  readonly name: string;
  readonly venue: string;
  readonly startsAt: string;
  readonly rows: string;
  readonly seatsPerRow: string;
  readonly price: string;
  readonly priceLevels: readonly PriceLevelRow[];
  readonly holdMinutes: string;
  readonly maxSeatsPerOrder: string;
  readonly salesStartAt: string;
  readonly waitingRoom: boolean;
  readonly maxActivePurchasers: string;
  readonly admissionMinutes: string;
}

type TextField = Exclude<keyof EventFormValues, 'priceLevels' | 'waitingRoom'>;

export const EMPTY_EVENT: EventFormValues = {
  name: '',
  venue: '',
  startsAt: '',
  rows: '10',
  seatsPerRow: '20',
  price: '25.00',
  priceLevels: [],
  holdMinutes: '15',
  maxSeatsPerOrder: '6',
  salesStartAt: '',
  waitingRoom: false,
  maxActivePurchasers: '10',
  admissionMinutes: '5',
};

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

/**
 * A `datetime-local` value (the browser's zone) as ISO 8601 with the browser's own offset
 * ("2027-06-01T20:00:00+02:00"), so messages can print the event's time in the organizer's zone.
 */
export function isoOf(local: string): string | undefined {
  if (local === '') return undefined;
  const at = new Date(local);
  if (Number.isNaN(at.getTime())) return local;
  const offset = -at.getTimezoneOffset();
  const sign = offset < 0 ? '-' : '+';
  const pad = (n: number) => String(Math.floor(Math.abs(n))).padStart(2, '0');
  return `${localOf(at.toISOString())}:00${sign}${pad(offset / 60)}:${pad(offset % 60)}`;
}

/** An ISO 8601 time as a `datetime-local` value in the browser's zone. */
export function localOf(iso: string | undefined): string {
  if (!iso) return '';
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

/** A stored event as the form's values (for editing). */
export function valuesOf(event: EventInfo): EventFormValues {
  return {
    name: event.name,
    venue: event.venue ?? '',
    startsAt: localOf(event.startsAt),
    rows: String(event.rows),
    seatsPerRow: String(event.seatsPerRow),
    price: (event.priceCents / 100).toFixed(2),
    priceLevels: (event.priceLevels ?? []).map((level) => ({
      name: level.name ?? '',
      fromRow: level.fromRow,
      toRow: level.toRow,
      price: (level.priceCents / 100).toFixed(2),
    })),
    holdMinutes: String(event.holdSeconds / 60),
    maxSeatsPerOrder: String(event.maxSeatsPerOrder),
    salesStartAt: localOf(event.salesStartAt),
    waitingRoom: event.waitingRoom?.enabled ?? false,
    maxActivePurchasers: String(event.waitingRoom?.maxActivePurchasers ?? 10),
    admissionMinutes: String((event.waitingRoom?.admissionSeconds ?? 300) / 60),
  };
}

const cents = (euros: string) => Math.round(Number(euros) * 100);

/**
 * The values as the API takes them. A new event leaves out what is empty; an edit sends `null`
 * for it (the field is removed), and every other field as it stands.
 */
export function inputOf(form: EventFormValues, mode: 'create' | 'edit'): Record<string, unknown> {
  const empty = mode === 'edit' ? null : undefined;
  const levels = form.priceLevels.map((level) => ({
    ...(level.name.trim() ? { name: level.name.trim() } : {}),
    fromRow: level.fromRow.trim().toUpperCase(),
    toRow: level.toRow.trim().toUpperCase(),
    priceCents: cents(level.price),
  }));
  const input: Record<string, unknown> = {
    name: form.name,
    venue: form.venue.trim() ? form.venue : empty,
    startsAt: isoOf(form.startsAt) ?? empty,
    rows: Number(form.rows),
    seatsPerRow: Number(form.seatsPerRow),
    priceCents: cents(form.price),
    priceLevels: levels.length > 0 ? levels : empty,
    holdSeconds: Math.round(Number(form.holdMinutes) * 60),
    maxSeatsPerOrder: Number(form.maxSeatsPerOrder),
    salesStartAt: isoOf(form.salesStartAt) ?? empty,
    waitingRoom: form.waitingRoom
      ? {
          enabled: true,
          maxActivePurchasers: Number(form.maxActivePurchasers),
          admissionSeconds: Math.round(Number(form.admissionMinutes) * 60),
        }
      : empty,
  };
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
}

export interface EventFormProps {
  readonly mode: 'create' | 'edit';
  readonly initial: EventFormValues;
  /** Sends the input; resolves with a confirmation to show, throws the API's refusal. */
  readonly onSubmit: (input: Record<string, unknown>) => Promise<string>;
  readonly onExpired: () => void;
  readonly onCancel?: () => void;
}

export function EventForm({ mode, initial, onSubmit, onExpired, onCancel }: EventFormProps) {
  const [form, setForm] = useState(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [done, setDone] = useState<string>();
  const [busy, setBusy] = useState(false);
  const creating = mode === 'create';

  const set = (name: TextField | 'waitingRoom') => (value: string | boolean) =>
    setForm((f) => ({ ...f, [name]: value }));
  const setLevel = (index: number, change: Partial<PriceLevelRow>) =>
    setForm((f) => ({ ...f, priceLevels: f.priceLevels.map((l, i) => (i === index ? { ...l, ...change } : l)) }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setDone(undefined);
    try {
      setDone(await onSubmit(inputOf(form, mode)));
      if (creating) setForm(initial);
    } catch (cause) {
      if (cause instanceof ApiError && cause.status === 401) onExpired();
      else if (cause instanceof ApiError && cause.issues.length > 0) setErrors(issuesByField(cause.issues));
      else setErrors({ event: cause instanceof Error ? cause.message : String(cause) });
    } finally {
      setBusy(false);
    }
  }

  const errorOf = (apiField: string) =>
    errors[apiField] && (
      <span className="field-error" id={`error-${apiField}`} data-testid={`error-${apiField}`}>
        {errors[apiField]}
      </span>
    );
  const input = (
    value: string,
    onChange: (value: string) => void,
    apiField: string,
    props: { type?: string; step?: string; required?: boolean; label?: string; placeholder?: string } = {},
  ) => (
    <input
      placeholder={props.placeholder}
      id={`field-${apiField}`}
      type={props.type ?? 'text'}
      step={props.step}
      required={props.required}
      value={value}
      aria-label={props.label}
      onChange={(e) => onChange(e.target.value)}
      aria-invalid={errors[apiField] ? true : undefined}
      aria-describedby={errors[apiField] ? `error-${apiField}` : undefined}
    />
  );
  const field = (
    name: TextField,
    label: string,
    apiField: string,
    props: { type?: string; step?: string; required?: boolean } = {},
  ) => (
    <label htmlFor={`field-${apiField}`}>
      {label}
      {input(form[name], set(name), apiField, props)}
      {errorOf(apiField)}
    </label>
  );

  return (
    <form
      className="card staff-form"
      onSubmit={submit}
      aria-label={creating ? 'Create an event' : 'Edit the event'}
      noValidate
    >
      <h2>{creating ? 'Create an event' : 'Edit the event'}</h2>
      {!creating && (
        <p className="muted small">Until its sale begins (its sale start, or the first order). The seat grid stays.</p>
      )}
      {field('name', 'Name', 'name', { required: true })}
      {field('venue', 'Venue', 'venue')}
      {field('startsAt', 'Date and time', 'startsAt', { type: 'datetime-local' })}
      {field('rows', 'Rows', 'rows', { type: 'number' })}
      {field('seatsPerRow', 'Seats per row', 'seatsPerRow', { type: 'number' })}
      {field('price', form.priceLevels.length ? 'Price of other rows (€)' : 'Price per seat (€)', 'priceCents', {
        type: 'number',
        step: '0.01',
      })}
      <fieldset className="price-levels" aria-label="Price levels">
        <legend>Price levels by row range</legend>
        {form.priceLevels.map((level, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the rows have no identity but their place.
          <div className="price-level-row" key={i} data-testid="price-level-row">
            {input(level.name, (name) => setLevel(i, { name }), `priceLevels.${i}.name`, {
              label: `Level ${i + 1} name`,
              placeholder: 'Name (optional)',
            })}
            {input(level.fromRow, (fromRow) => setLevel(i, { fromRow }), `priceLevels.${i}.fromRow`, {
              label: `Level ${i + 1} from row`,
              placeholder: 'From row',
            })}
            {input(level.toRow, (toRow) => setLevel(i, { toRow }), `priceLevels.${i}.toRow`, {
              label: `Level ${i + 1} to row`,
              placeholder: 'To row',
            })}
            {input(level.price, (price) => setLevel(i, { price }), `priceLevels.${i}.priceCents`, {
              type: 'number',
              step: '0.01',
              label: `Level ${i + 1} price (€)`,
              placeholder: 'Price (€)',
            })}
            <button
              type="button"
              className="link"
              onClick={() => setForm((f) => ({ ...f, priceLevels: f.priceLevels.filter((_, j) => j !== i) }))}
            >
              Remove
            </button>
            {[
              `priceLevels.${i}`,
              `priceLevels.${i}.name`,
              `priceLevels.${i}.fromRow`,
              `priceLevels.${i}.toRow`,
              `priceLevels.${i}.priceCents`,
            ].map((key) => (
              <span key={key}>{errorOf(key)}</span>
            ))}
          </div>
        ))}
        {errorOf('priceLevels')}
        <button
          type="button"
          onClick={() =>
            setForm((f) => ({
              ...f,
              priceLevels: [...f.priceLevels, { name: '', fromRow: '', toRow: '', price: f.price }],
            }))
          }
        >
          Add a price level
        </button>
      </fieldset>
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
      <FieldError message={errors.event} />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {creating ? (busy ? 'Creating…' : 'Create event') : busy ? 'Saving…' : 'Save changes'}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            {done ? 'Close' : 'Cancel'}
          </button>
        )}
      </div>
      {done && (
        <p role="status" data-testid={creating ? 'event-created' : 'event-saved'}>
          {done}
        </p>
      )}
    </form>
  );
}
