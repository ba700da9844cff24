import { describe, expect, it } from 'vitest';
import { priceLegend, priceRange, rowIndexOfLabel, seatPriceCents } from '../../contract/price-levels';
import { parseEventInput } from '../../lambdas/core/events/event-spec';
import { priceOf } from '../../lambdas/core/events/prices';

const levels = [
  { name: 'Front', fromRow: 'A', toRow: 'B', priceCents: 8000 },
  { fromRow: 'C', toRow: 'E', priceCents: 4500 },
];
const event = { name: 'Levels', rows: 6, seatsPerRow: 4, priceCents: 3000, priceLevels: levels };

describe('priceOf: an order costs the sum of its seats’ prices', () => {
  it('charges each seat its row’s level, and the default outside every level', () => {
    expect(priceOf(event, ['A1'])).toBe(8000);
    expect(priceOf(event, ['B4', 'C1'])).toBe(12_500);
    expect(priceOf(event, ['E2', 'F1'])).toBe(7500);
    expect(priceOf(event, [])).toBe(0);
  });

  it('an event with one price charges it per seat, as before', () => {
    expect(priceOf({ priceCents: 2500 }, ['A1', 'C7', 'AA3'])).toBe(7500);
  });

  it('reads rows as the map names them, past Z', () => {
    expect(rowIndexOfLabel('A')).toBe(0);
    expect(rowIndexOfLabel('Z')).toBe(25);
    expect(rowIndexOfLabel('AA')).toBe(26);
    expect(rowIndexOfLabel('a')).toBe(-1);
    expect(seatPriceCents({ priceCents: 1, priceLevels: [{ fromRow: 'Z', toRow: 'AB', priceCents: 9 }] }, 'AA12')).toBe(
      9,
    );
  });

  it('gives the listing its range and the map its legend', () => {
    expect(priceRange(event)).toEqual({ min: 3000, max: 8000 });
    expect(priceRange({ ...event, rows: 5 })).toEqual({ min: 4500, max: 8000 });
    expect(priceRange({ priceCents: 1000, rows: 3 })).toEqual({ min: 1000, max: 1000 });
    expect(priceLegend(event).map((e) => [e.label, e.priceCents])).toEqual([
      ['Front', 8000],
      ['Rows C–E', 4500],
      ['Other rows', 3000],
    ]);
    expect(priceLegend({ priceCents: 1000, rows: 3 })).toEqual([{ label: 'Every seat', rows: '', priceCents: 1000 }]);
  });
});

describe('price levels in the event spec', () => {
  it('keeps valid levels and the default price', () => {
    expect(parseEventInput(event)).toMatchObject({ priceCents: 3000, priceLevels: levels });
  });

  it('takes levels that cover every row without a default: the lowest level is the "from" price', () => {
    const covered = { name: 'All', rows: 5, seatsPerRow: 2, priceLevels: levels };
    expect(parseEventInput(covered).priceCents).toBe(4500);
  });

  it.each([
    [
      { ...event, priceLevels: [{ fromRow: 'A', toRow: 'G', priceCents: 1 }] },
      'priceLevels.0.toRow: the map has 6 rows',
    ],
    [{ ...event, priceLevels: [{ fromRow: 'C', toRow: 'A', priceCents: 1 }] }, 'row A comes before row C'],
    [
      { ...event, priceLevels: [...levels, { fromRow: 'E', toRow: 'F', priceCents: 1 }] },
      'priceLevels.2: overlaps price level 2',
    ],
    [{ ...event, priceLevels: [{ fromRow: 'a', toRow: 'B', priceCents: 1 }] }, 'priceLevels.0.fromRow'],
    [{ ...event, priceLevels: [{ fromRow: 'A', toRow: 'B', priceCents: -5 }] }, 'priceLevels.0.priceCents'],
    [{ ...event, priceLevels: [{ fromRow: 'A', toRow: 'B', priceCents: 5, vip: true }] }, 'vip'],
    [
      { name: 'Gaps', rows: 6, seatsPerRow: 2, priceLevels: levels },
      'priceCents: required, unless the price levels cover every row',
    ],
  ])('refuses %j with a message naming %s', (input, message) => {
    expect(() => parseEventInput(input)).toThrow(message);
  });
});
