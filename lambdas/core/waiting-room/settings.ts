import { z } from 'zod';
import { ValidationFailed } from '../platform/errors';

/**
 * An event's waiting-room settings. With the room on, nobody buys without passing through it:
 * buyers join a FIFO queue and at most `maxActivePurchasers` hold a purchase slot at once.
 */
export const WaitingRoomSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /**
   * Purchase slots: admitted buyers who may be choosing seats or paying at the same time. The
   * slots live in one item (≤ 400 KB), hence the cap.
   */
  maxActivePurchasers: z.number().int().min(1).max(1000).default(10),
  /** How long an admission lasts before the buyer must have started an order (and the token's life). */
  admissionSeconds: z.number().int().min(10).max(3600).default(300),
  /**
   * A waiting buyer whose page has not checked in for this long is passed over when the line
   * reaches them (LAPSED): turns go only to buyers who are still there. The page checks in every
   * third of it, and a check-in writes at most once per third (see checkInEverySeconds).
   */
  abandonAfterSeconds: z.number().int().min(15).max(3600).default(120),
});

/**
 * The room's rules: its settings and, for a fair start, the event's `salesStartAt` (epoch ms):
 * before it buyers join a pre-queue, at it the pre-queue is drawn in a random order.
 */
export type WaitingRoomSettings = z.output<typeof WaitingRoomSchema> & { readonly salesStartAt?: number };

/** How often a waiting page checks in: a third of the absence that lapses a place. */
export function checkInEverySeconds(settings: Pick<WaitingRoomSettings, 'abandonAfterSeconds'>): number {
  return Math.max(5, Math.floor(settings.abandonAfterSeconds / 3));
}

/** The settings of an event's room, or undefined when the event sells without a queue. */
export function activeWaitingRoom(event: {
  readonly waitingRoom?: Omit<WaitingRoomSettings, 'abandonAfterSeconds'> & { abandonAfterSeconds?: number };
  readonly salesStartAt?: string;
}): WaitingRoomSettings | undefined {
  if (!event.waitingRoom?.enabled) return undefined;
  // Events stored before absent buyers were skipped have no abandonAfterSeconds: the default.
  const settings = { ...event.waitingRoom, abandonAfterSeconds: event.waitingRoom.abandonAfterSeconds ?? 120 };
  return event.salesStartAt === undefined ? settings : { ...settings, salesStartAt: Date.parse(event.salesStartAt) };
}

/** The settings of an event's room, refused (400) for an event that sells without a queue. */
export function roomOf(
  event: Parameters<typeof activeWaitingRoom>[0] & { readonly eventId: string },
): WaitingRoomSettings {
  const settings = activeWaitingRoom(event);
  if (!settings) throw new ValidationFailed([`event ${event.eventId} has no waiting room: buy directly`]);
  return settings;
}
