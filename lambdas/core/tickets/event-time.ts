import { EVENT_DATE_PARTS } from '../../../contract/event-date';

/**
 * An event's date and time as messages and the PDF print it: in the event's own zone (the offset
 * its `startsAt` was given with), the zone written out, since the reader may be anywhere —
 * "Tue, 1 Jun 2027, 20:00 (UTC+02:00)". Pages show it in the reader's own zone instead.
 */
export function eventTimeWithZone(startsAt: string): string {
  const at = Date.parse(startsAt);
  if (Number.isNaN(at)) return startsAt;
  const offset = /(Z|[+-]\d{2}:\d{2})$/i.exec(startsAt)?.[1]?.toUpperCase() ?? 'Z';
  const offsetMinutes =
    offset === 'Z'
      ? 0
      : (offset.startsWith('-') ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
  // The wall-clock time at the event: the instant moved by its offset, then read as UTC.
  const wall = new Date(at + offsetMinutes * 60_000);
  const text = wall.toLocaleString('en-GB', { ...EVENT_DATE_PARTS, timeZone: 'UTC' });
  return `${text} (${offset === 'Z' || offsetMinutes === 0 ? 'UTC' : `UTC${offset}`})`;
}
