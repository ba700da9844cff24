import { formatEventDate } from './words';

/**
 * The start of an event's line of particulars, its date then its venue, each followed by " · " and
 * left out when the event has none: what the event page and the tickets page both begin with.
 */
export function EventDateVenue({ event }: { readonly event: { readonly startsAt?: string; readonly venue?: string } }) {
  return (
    <>
      {event.startsAt && (
        <>
          <time dateTime={event.startsAt} data-testid="event-date">
            {formatEventDate(event.startsAt)}
          </time>
          {' · '}
        </>
      )}
      {event.venue ? `${event.venue} · ` : ''}
    </>
  );
}
