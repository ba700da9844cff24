/**
 * How an event's date and time reads everywhere — "Sat, 12 Dec 2026, 20:00": the pages (in the
 * reader's language and zone) and the messages and PDF (in the event's own zone, the zone written
 * out) use these parts, so the two never drift apart.
 */
export const EVENT_DATE_PARTS: Intl.DateTimeFormatOptions = {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
};
