import { type Priced, seatPriceCents } from '../../../contract/price-levels';

/**
 * What a set of seats of an event costs: the sum of each seat's price by its row's price level
 * (contract/price-levels.ts). The one place an order's `amountCents` comes from.
 */
export function priceOf(event: Priced, seatIds: readonly string[]): number {
  return seatIds.reduce((sum, seatId) => sum + seatPriceCents(event, seatId), 0);
}
