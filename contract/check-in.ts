/**
 * The door's answer to one scanned ticket (docs/API.md, "Door check-in"): shared by the API and
 * the door page. Types only.
 */

export type CheckInResult =
  /** Admitted now: this scan checked the ticket in. */
  | 'valid'
  /** Checked in before (by this or another door): `checkedInAt` and `door` say when and where. */
  | 'alreadyCheckedIn'
  /** Taken back (its order refunded, compensated or reset): never admits. */
  | 'voided'
  /** A genuine ticket, for another event than this door's. */
  | 'wrongEvent'
  /** Not signed by TicketDrop: forged, altered, or not a ticket at all. */
  | 'forged';

export interface CheckIn {
  readonly result: CheckInResult;
  /** What the ticket says, when its signature is right (never for `forged`). */
  readonly ticket?: {
    readonly ticketId: string;
    readonly orderId: string;
    readonly eventId: string;
    readonly seatId: string;
  };
  /** Epoch ms of the (first) check-in: for `valid` and `alreadyCheckedIn`. */
  readonly checkedInAt?: number;
  /** The door that checked it in: for `valid` and `alreadyCheckedIn`. */
  readonly door?: string;
}
