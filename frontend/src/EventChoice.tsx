import { useEffect, useRef, useState } from 'react';
import type { StaffApi } from './staff-api';
import type { EventInfo } from './types';

/**
 * The events an operator's form picks from, read once, and the one picked (the first listed until
 * the operator picks another). A failed read goes to `onError`, as the form's other errors do.
 */
export function useEventChoice(api: StaffApi, onError: (cause: unknown) => void) {
  const [events, setEvents] = useState<EventInfo[]>([]);
  const [eventId, setEventId] = useState('');
  // The latest handler, without reading the events again when the form passes a new one.
  const report = useRef(onError);
  report.current = onError;

  useEffect(() => {
    api.listEvents().then(
      (list) => {
        setEvents(list);
        setEventId((current) => current || list[0]?.eventId || '');
      },
      (cause: unknown) => report.current(cause),
    );
  }, [api]);

  return { events, eventId, setEventId };
}

/** A labelled select of the events, each shown by name and id. */
export function EventSelect({
  label,
  events,
  eventId,
  onChange,
  required = false,
}: {
  readonly label: string;
  readonly events: readonly EventInfo[];
  readonly eventId: string;
  readonly onChange: (eventId: string) => void;
  readonly required?: boolean;
}) {
  return (
    <label>
      {label}
      <select value={eventId} onChange={(e) => onChange(e.target.value)} required={required}>
        {events.map((event) => (
          <option key={event.eventId} value={event.eventId}>
            {event.name} ({event.eventId})
          </option>
        ))}
      </select>
    </label>
  );
}
