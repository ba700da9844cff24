import { z } from 'zod';

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
   * Position counters the joins are spread over. One counter item takes about 1,000 joins/s on
   * DynamoDB (its partition's write limit); n counters take n times that, at the cost of
   * positions interleaving across counters (see docs/ARCHITECTURE.md, waiting room).
   */
  positionShards: z.number().int().min(1).max(64).default(1),
});

export type WaitingRoomSettings = z.output<typeof WaitingRoomSchema>;

/** The settings of an event's room, or undefined when the event sells without a queue. */
export function activeWaitingRoom(event: {
  readonly waitingRoom?: WaitingRoomSettings;
}): WaitingRoomSettings | undefined {
  return event.waitingRoom?.enabled ? event.waitingRoom : undefined;
}
