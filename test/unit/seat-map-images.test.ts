import { describe, expect, it } from 'vitest';
import { rowLabel } from '../../contract/live-messages';
import { applySeatImages, buildSeatMap, seatMapDeltas } from '../../lambdas/core/live/seat-map-snapshot';
import type { SeatItem, SeatStatus } from '../../lambdas/core/seats/seat-item';
import { seededRandom } from '../../local/faults/seeded-random';

/**
 * The tick builder's map from the stream's new images (the last map plus each seat's newer image)
 * is the map a re-read of the seat items builds, with the same deltas — and when the images do not
 * follow on from the map (a gap), it says so instead of guessing, so the builder re-reads.
 */

const EVENT_ID = 'images';
const ROWS = 3;
const SEATS_PER_ROW = 4;

function freshSeats(): SeatItem[] {
  return Array.from({ length: ROWS * SEATS_PER_ROW }, (_, i) => {
    const rowIndex = Math.floor(i / SEATS_PER_ROW);
    const number = (i % SEATS_PER_ROW) + 1;
    return {
      eventId: EVENT_ID,
      seatId: `${rowLabel(rowIndex)}${number}`,
      rowIndex,
      number,
      status: 'AVAILABLE',
      version: 1,
      updatedAt: 0,
    };
  });
}

/** One write to a seat, as the seat writes make it (every write adds one to the version). */
function write(seat: SeatItem, status: SeatStatus, at: number): SeatItem {
  const { orderId: _order, holdExpiresAt: _hold, ...rest } = seat;
  return {
    ...rest,
    status,
    version: seat.version + 1,
    updatedAt: at,
    ...(status === 'AVAILABLE' ? {} : { orderId: `o-${at}` }),
    ...(status === 'HELD' ? { holdExpiresAt: at + 60_000 } : {}),
  };
}

const STATUSES: readonly SeatStatus[] = ['AVAILABLE', 'HELD', 'SOLD'];

describe('the seat map from stream images (applySeatImages)', () => {
  it('builds, tick after tick, the same map and deltas as a re-read of the seats would', () => {
    const random = seededRandom(14);
    let seats = freshSeats();
    let fromImages = buildSeatMap(EVENT_ID, seats, 1, 0);
    for (let tick = 1; tick <= 200; tick++) {
      // A batch: a few writes, some seats written twice, delivered with repeats and out of order.
      const images: SeatItem[] = [];
      for (let w = Math.floor(random() * 6); w > 0; w--) {
        const index = Math.floor(random() * seats.length);
        const next = write(seats[index]!, STATUSES[Math.floor(random() * STATUSES.length)]!, tick * 10 + w);
        seats = seats.map((seat, i) => (i === index ? next : seat));
        images.push(next);
      }
      const delivered = [...images, ...images.slice(0, 2)].sort(() => random() - 0.5);
      const applied = applySeatImages(fromImages, delivered, fromImages.version + 1, tick);
      const reread = buildSeatMap(EVENT_ID, seats, fromImages.version + 1, tick);
      expect(applied).toEqual(reread);
      expect(seatMapDeltas(fromImages, applied!)).toEqual(seatMapDeltas(fromImages, reread));
      fromImages = applied!;
    }
  });

  it('ignores images the map already has (a retried batch): nothing changes', () => {
    const seats = freshSeats();
    const held = write(seats[0]!, 'HELD', 5);
    const map = buildSeatMap(EVENT_ID, [held, ...seats.slice(1)], 2, 5);
    const again = applySeatImages(map, [seats[0]!, held], 3, 6)!;
    expect(again.states).toBe(map.states);
    expect(again.seatVersions).toBe(map.seatVersions);
    expect(seatMapDeltas(map, again)).toEqual([]);
  });

  it('reports a gap when a seat skips a version the batch does not carry: the caller re-reads', () => {
    const seats = freshSeats();
    const map = buildSeatMap(EVENT_ID, seats, 1, 0);
    const held = write(seats[2]!, 'HELD', 1);
    const sold = write(held, 'SOLD', 2);
    expect(applySeatImages(map, [sold], 2, 3)).toBeUndefined(); // version 2 was never seen
    expect(applySeatImages(map, [sold, held], 2, 3)?.states).toBe(
      buildSeatMap(EVENT_ID, [...seats.slice(0, 2), sold, ...seats.slice(3)], 2, 3).states,
    );
  });

  it('reports a gap for a seat the map does not know (outside its rows and seats)', () => {
    const seats = freshSeats();
    const map = buildSeatMap(EVENT_ID, seats, 1, 0);
    const outside: SeatItem = { ...seats[0]!, seatId: 'D1', rowIndex: ROWS, version: 2 };
    expect(applySeatImages(map, [outside], 2, 1)).toBeUndefined();
  });

  it('leaves other events’ images out', () => {
    const seats = freshSeats();
    const map = buildSeatMap(EVENT_ID, seats, 1, 0);
    const other = { ...write(seats[0]!, 'SOLD', 1), eventId: 'other' };
    expect(applySeatImages(map, [other], 2, 1)?.states).toBe(map.states);
  });
});
