import { describe, expect, it } from 'vitest';
import { isSeatOf, parseSeatId, rowIndexOf, rowLabel, seatIdsOf } from '../../lambdas/core/seats/seat-ids';

describe('seat ids', () => {
  it('letters rows like a theatre, past Z as well', () => {
    expect([0, 1, 25, 26, 27, 51, 52, 701, 702].map(rowLabel)).toEqual([
      'A',
      'B',
      'Z',
      'AA',
      'AB',
      'AZ',
      'BA',
      'ZZ',
      'AAA',
    ]);
    for (let i = 0; i < 800; i++) expect(rowIndexOf(rowLabel(i))).toBe(i);
  });

  it('lists a 5 x 6 map front row first', () => {
    const ids = seatIdsOf(5, 6);
    expect(ids).toHaveLength(30);
    expect(ids.slice(0, 7)).toEqual(['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'B1']);
    expect(ids.at(-1)).toBe('E6');
  });

  it('parses well-formed ids and refuses the rest', () => {
    expect(parseSeatId('C7')).toEqual({ rowIndex: 2, number: 7 });
    expect(parseSeatId('AA12')).toEqual({ rowIndex: 26, number: 12 });
    for (const bad of ['', 'c7', 'C0', 'C07', '7C', 'C 7', 'C-1', 'ABCD1', 'C12345', '__proto__']) {
      expect(parseSeatId(bad)).toBeUndefined();
    }
  });

  it('knows which seats belong to a map', () => {
    expect(isSeatOf('E6', 5, 6)).toBe(true);
    expect(isSeatOf('F1', 5, 6)).toBe(false);
    expect(isSeatOf('A7', 5, 6)).toBe(false);
    expect(isSeatOf('A01', 5, 6)).toBe(false);
  });
});
