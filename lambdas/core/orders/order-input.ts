import { z } from 'zod';
import type { SeatSelection } from '../seats/order-holds';

/**
 * What a buyer may send about orders. Unknown fields are refused, not ignored. Seat ids are only
 * checked for shape here; whether they exist in the event's map is the event's rule (holds.ts),
 * which names the seats that do not (`InvalidSeat`).
 */

/** One order's hold is one transaction, so no event allows more seats per order than this. */
export const MAX_SEATS_PER_REQUEST = 50;

const SeatIds = z.array(z.string().min(1).max(16)).min(1, 'choose at least one seat').max(MAX_SEATS_PER_REQUEST);

export const CreateOrderInput = z
  .strictObject({
    seatIds: SeatIds.optional(),
    quantity: z.number().int().min(1).max(MAX_SEATS_PER_REQUEST).optional(),
  })
  .refine((input) => (input.seatIds === undefined) !== (input.quantity === undefined), {
    message: 'give either seatIds or quantity (best available), not both',
  })
  .transform((input): SeatSelection => (input.seatIds ? { seatIds: input.seatIds } : { quantity: input.quantity! }));

export const ChangeSeatsInput = z.strictObject({ seatIds: SeatIds });

export const PaymentInput = z.strictObject({
  code: z.string().regex(/^\d{5}$/, 'the payment code has exactly 5 digits'),
});

/** Routes without a body accept none or `{}`, so a client cannot believe an ignored field did something. */
export const NoInput = z.strictObject({});

export const OrderListQuery = z.strictObject({ status: z.enum(['open', 'all']).default('all') });
