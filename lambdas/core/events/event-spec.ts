import { z } from 'zod';
import { type PriceLevel, rowIndexOfLabel } from '../../../contract/price-levels';
import { ValidationFailed } from '../platform/errors';
import { WaitingRoomSchema } from '../waiting-room/settings';

/** The largest seat map one event may have (seats are written item by item at creation). */
export const MAX_SEATS_PER_EVENT = 20_000;

/** Event ids: short, URL-safe, lowercase (they appear in paths). */
export const EVENT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{1,62}$/;

const PRICE = z.number().int().min(0).max(10_000_000);

/** A price level: rows as the map names them, e.g. `{ fromRow: "A", toRow: "B", priceCents: 8000 }`. */
export const PriceLevelSchema = z.strictObject({
  name: z.string().trim().min(1).max(40).optional(),
  fromRow: z.string().regex(/^[A-Z]{1,3}$/, 'a row as the map names it, e.g. "A"'),
  toRow: z.string().regex(/^[A-Z]{1,3}$/, 'a row as the map names it, e.g. "B"'),
  priceCents: PRICE,
});

/** Every field of an event an organiser sets; unknown fields are refused, not ignored. */
export const EventFieldsSchema = z.strictObject({
  eventId: z.string().regex(EVENT_ID_PATTERN, 'lowercase letters, digits and hyphens, 2-63 characters').optional(),
  name: z.string().trim().min(1).max(120),
  venue: z.string().trim().max(120).optional(),
  startsAt: z.iso.datetime({ offset: true }).optional(),
  rows: z.number().int().min(1).max(200),
  seatsPerRow: z.number().int().min(1).max(200),
  /**
   * The price of a seat in a row no price level covers. May be left out when the levels cover
   * every row: it is then the lowest level's price (the listing's "from" price).
   */
  priceCents: PRICE.optional(),
  /** Prices by row range, at most one level per row (the rows of none cost `priceCents`). */
  priceLevels: z.array(PriceLevelSchema).max(26).optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR')
    .default('EUR'),
  holdSeconds: z.number().int().min(10).max(3600).default(900),
  maxSeatsPerOrder: z.number().int().min(1).max(50).default(6),
  /** A FIFO waiting room in front of the sale (see waiting-room/settings.ts); none when absent. */
  waitingRoom: WaitingRoomSchema.optional(),
  /**
   * When the sale opens. Orders are refused before it; with a waiting room, buyers who come
   * earlier join a pre-queue and get a random place at this moment (a fair start).
   */
  salesStartAt: z.iso.datetime({ offset: true }).optional(),
});

/** What an organiser sends to create an event: the fields, checked against each other. */
export const EventInputSchema = EventFieldsSchema.superRefine((e, ctx) => {
  if (e.rows * e.seatsPerRow > MAX_SEATS_PER_EVENT) {
    ctx.addIssue({ code: 'custom', message: `at most ${MAX_SEATS_PER_EVENT} seats per event`, path: [] });
  }
  const levels = e.priceLevels ?? [];
  for (const problem of priceLevelProblems(levels, e.rows)) ctx.addIssue({ code: 'custom', ...problem });
})
  .refine((e) => e.priceCents !== undefined || coversEveryRow(e.priceLevels ?? [], e.rows), {
    path: ['priceCents'],
    message: 'required, unless the price levels cover every row',
    // Checked even when other fields are wrong, so one answer lists every problem.
    when: (payload) => {
      const value = payload.value as { priceCents?: unknown; priceLevels?: unknown; rows?: unknown } | undefined;
      return typeof value === 'object' && value !== null && value.priceCents === undefined;
    },
  })
  .transform(({ priceCents, ...event }) => ({
    ...event,
    priceCents: priceCents ?? Math.min(...(event.priceLevels ?? []).map((level) => level.priceCents)),
  }));

/** Each level inside the grid, from ≤ to, and no row in two levels. */
function priceLevelProblems(
  levels: readonly PriceLevel[],
  rows: number,
): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  const ownerOfRow = new Map<number, number>();
  levels.forEach((level, i) => {
    const from = rowIndexOfLabel(level.fromRow);
    const to = rowIndexOfLabel(level.toRow);
    if (from < 0 || to < 0) return; // the field's own pattern already says why
    if (to >= rows) {
      problems.push({
        path: ['priceLevels', i, 'toRow'],
        message: `the map has ${rows} rows: row ${level.toRow} is not on it`,
      });
      return;
    }
    if (from > to) {
      problems.push({
        path: ['priceLevels', i, 'toRow'],
        message: `row ${level.toRow} comes before row ${level.fromRow}`,
      });
      return;
    }
    for (let row = from; row <= to; row++) {
      const other = ownerOfRow.get(row);
      if (other !== undefined) {
        problems.push({
          path: ['priceLevels', i],
          message: `overlaps price level ${other + 1} (rows ${levels[other]!.fromRow}–${levels[other]!.toRow})`,
        });
        return;
      }
    }
    for (let row = from; row <= to; row++) ownerOfRow.set(row, i);
  });
  return problems;
}

function coversEveryRow(levels: readonly PriceLevel[], rows: unknown): boolean {
  if (!Array.isArray(levels) || levels.length === 0 || typeof rows !== 'number') return false;
  for (let row = 0; row < rows; row++) {
    if (!levels.some((l) => rowIndexOfLabel(l.fromRow) <= row && row <= rowIndexOfLabel(l.toRow))) return false;
  }
  return true;
}

export type EventInput = z.input<typeof EventInputSchema>;
export type EventSpec = z.output<typeof EventInputSchema>;

export function parseEventInput(input: unknown): EventSpec {
  const parsed = EventInputSchema.safeParse(input);
  if (!parsed.success) {
    throw new ValidationFailed(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || 'event'}: ${issue.message}`),
    );
  }
  return parsed.data;
}

/** A readable, unique-enough id from the event name, e.g. "ticketdrop-live-k3f9". */
export function eventIdFor(name: string, random: () => number): string {
  const slug = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  const suffix = Math.floor(random() * 36 ** 4)
    .toString(36)
    .padStart(4, '0');
  return `${slug || 'event'}-${suffix}`;
}
