/** Row letters then a seat number, as the map names seats ("B2", "AA14"). */
const SEAT_SHAPED = /^[a-z]{1,3}\d{1,4}$/;

/**
 * The console's order search, case-insensitive. A term shaped like a seat ("b2") finds the orders
 * holding that seat, exactly ("A1" is not "A10"), and nothing else: ids are random, so "b2" would
 * otherwise also match every order or buyer id that happens to contain it. Any other term matches
 * order ids and buyer ids by substring (a pasted id or a part of one).
 */
export function matchesSearch(
  order: { readonly orderId: string; readonly buyerId: string; readonly seatIds: readonly string[] },
  search: string,
): boolean {
  const term = search.trim().toLowerCase();
  if (term === '') return true;
  if (SEAT_SHAPED.test(term)) return order.seatIds.some((seatId) => seatId.toLowerCase() === term);
  return order.orderId.toLowerCase().includes(term) || order.buyerId.toLowerCase().includes(term);
}
