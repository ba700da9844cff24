import { describe, expect, it } from 'vitest';
import { matchesSearch } from '../../frontend/src/order-search';

const order = { orderId: 'ord_3fb2a1c0-77b2-4d1e-9b2c-0a1b2c3d4e5f', buyerId: 'buy_Xb2YZ', seatIds: ['C7', 'C8'] };

describe("the console's order search", () => {
  it('finds a seat exactly, case-insensitive, and never by a fragment of a random id', () => {
    expect(matchesSearch(order, 'c7')).toBe(true);
    expect(matchesSearch(order, ' C8 ')).toBe(true);
    expect(matchesSearch(order, 'C70')).toBe(false);
    // "b2" is in both ids above, yet as a seat-shaped term it means seat B2 only.
    expect(matchesSearch(order, 'b2')).toBe(false);
  });

  it('finds order and buyer ids by any part', () => {
    expect(matchesSearch(order, 'ord_3fb2')).toBe(true);
    expect(matchesSearch(order, '77B2-4D1E')).toBe(true);
    expect(matchesSearch(order, 'buy_xb2')).toBe(true);
    expect(matchesSearch(order, 'ord_ffff')).toBe(false);
  });

  it('an empty search shows every order', () => {
    expect(matchesSearch(order, '  ')).toBe(true);
  });
});
