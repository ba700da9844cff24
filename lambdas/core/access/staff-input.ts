import { z } from 'zod';
import { EVENT_ID_PATTERN } from '../events/event-spec';

/** What staff send to sign in and to open a door. Unknown fields are refused, not ignored. */

/** `POST /api/admin/sessions`: the admin key, once, in the body (never in a URL or a log line). */
export const SignInInput = z.strictObject({ adminKey: z.string().min(1).max(512) });

/** `POST /api/admin/door-credentials`: which event's tickets this door checks, and the door's name. */
export const DoorCredentialInput = z.strictObject({
  eventId: z.string().regex(EVENT_ID_PATTERN, 'not an event id'),
  door: z
    .string()
    .trim()
    .min(1, 'name the door (e.g. "North gate")')
    .max(40)
    .regex(/^[\p{L}\p{N} .,'’()-]+$/u, "letters, digits, spaces and . , ' ( ) - only"),
});

/** `POST /api/admin/orders/{orderId}/refund`: optionally, why (it goes into the order's reason). */
export const RefundInput = z.strictObject({ note: z.string().trim().max(200).optional() });

/** `POST /api/admin/orders/{orderId}/tickets/{ticketId}/refund`: an empty object (room for a note later). */
export const TicketRefundInput = z.strictObject({});
