import { describe, expect, it } from 'vitest';
import {
  adjacentBlocks,
  bandSize,
  pickBestAvailable,
  type SeatCandidate,
} from '../../lambdas/core/seats/best-available';
import { parseSeatId, seatIdsOf } from '../../lambdas/core/seats/seat-ids';

const seats = (ids: string[]): SeatCandidate[] => ids.map((seatId) => ({ seatId, ...parseSeatId(seatId)! }));

/** A deterministic pseudo-random sequence (mulberry32), so failures reproduce. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('best available', () => {
  it('finds runs of adjacent seats within a row only', () => {
    const blocks = adjacentBlocks(seats(['A1', 'A2', 'A4', 'A5', 'A6', 'B1', 'B2']), 2);
    expect(blocks.map((b) => b.map((s) => s.seatId).join('+')).sort()).toEqual(['A1+A2', 'A4+A5', 'A5+A6', 'B1+B2']);
  });

  it('picks adjacent seats when a block exists', () => {
    const free = seats(['A1', 'A3', 'A5', 'C2', 'C3', 'C4']);
    expect(pickBestAvailable(free, 3, seeded(1))).toEqual(['C2', 'C3', 'C4']);
  });

  it('falls back to separate seats when no block is left', () => {
    const free = seats(['A1', 'A3', 'A5']);
    const pick = pickBestAvailable(free, 2, seeded(2))!;
    expect(pick).toHaveLength(2);
    expect(new Set(pick).size).toBe(2);
  });

  it('says so when too few seats are free', () => {
    expect(pickBestAvailable(seats(['A1']), 2, seeded(3))).toBeUndefined();
    expect(pickBestAvailable([], 1, seeded(3))).toBeUndefined();
  });

  it('spreads concurrent buyers instead of sending all of them to one seat', () => {
    const free = seats(seatIdsOf(20, 25)); // 500 seats
    const random = seeded(4);
    const picks = Array.from({ length: 1000 }, () => pickBestAvailable(free, 1, random)![0]!);
    const distinct = new Set(picks);
    // The band is the best quarter (125 seats): no single seat should draw a crowd.
    expect(distinct.size).toBeGreaterThan(100);
    const counts = [...distinct].map((id) => picks.filter((p) => p === id).length);
    expect(Math.max(...counts)).toBeLessThan(30);
  });

  it('prefers the front rows', () => {
    const free = seats(seatIdsOf(40, 10));
    const random = seeded(5);
    for (let i = 0; i < 200; i++) {
      const [pick] = pickBestAvailable(free, 1, random)!;
      expect(parseSeatId(pick!)!.rowIndex).toBeLessThan(10); // within the best quarter of 40 rows
    }
  });

  it('a request that lost a race picks from a wider band (twice as wide per lost race, at most all seats)', () => {
    expect(bandSize(500, 1)).toBe(125);
    expect(bandSize(500, 1, 2)).toBe(250);
    expect(bandSize(500, 1, 8)).toBe(500);
    const free = seats(seatIdsOf(40, 10));
    const random = seeded(6);
    const rows = Array.from({ length: 400 }, () => parseSeatId(pickBestAvailable(free, 1, random, undefined, 2)![0]!)!);
    expect(Math.max(...rows.map((r) => r.rowIndex))).toBeGreaterThanOrEqual(10); // past the first quarter
    expect(Math.max(...rows.map((r) => r.rowIndex))).toBeLessThan(20); // within the best half
  });
});
