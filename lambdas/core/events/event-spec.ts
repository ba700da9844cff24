import { z } from 'zod';
import { ValidationFailed } from '../platform/errors';
import { WaitingRoomSchema } from '../waiting-room/settings';

/** The largest seat map one event may have (seats are written item by item at creation). */
export const MAX_SEATS_PER_EVENT = 20_000;

/** Event ids: short, URL-safe, lowercase (they appear in paths). */
export const EVENT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{1,62}$/;

/** What an organiser sends to create an event. Unknown fields are refused, not ignored. */
export const EventInputSchema = z
  .strictObject({
    eventId: z.string().regex(EVENT_ID_PATTERN, 'lowercase letters, digits and hyphens, 2-63 characters').optional(),
    name: z.string().trim().min(1).max(120),
    venue: z.string().trim().max(120).optional(),
    startsAt: z.iso.datetime({ offset: true }).optional(),
    rows: z.number().int().min(1).max(200),
    seatsPerRow: z.number().int().min(1).max(200),
    priceCents: z.number().int().min(0).max(10_000_000),
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
  })
  .refine((e) => e.rows * e.seatsPerRow <= MAX_SEATS_PER_EVENT, {
    message: `at most ${MAX_SEATS_PER_EVENT} seats per event`,
  });

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
