/**
 * "Best available" seat choice, kept pure so it can be tested without a database.
 *
 * Under a drop thousands of buyers ask at once. If all of them picked the single best block,
 * all but one would fail its conditional write and retry, over and over. So the choice is random
 * within a band of the best candidates: front rows and row centres first, but spread across at
 * least BAND_MIN candidates (or the best quarter, when larger), which keeps collisions rare while
 * still giving good seats. A request that lost a race widens its band (`spread`): the best seats
 * are the contested ones, and a re-pick among them mostly loses again.
 */

export interface SeatCandidate {
  readonly seatId: string;
  readonly rowIndex: number;
  readonly number: number;
}

const BAND_MIN = 16;

/**
 * Picks `quantity` free seats: adjacent seats in one row when such a block exists, otherwise the
 * best individual seats. `free` are the seats free now; `rowWidths` gives the number of seats in
 * each row (for centring); `spread` multiplies the band (1 first, 2, 4, … after lost races).
 * Returns undefined when fewer than `quantity` seats are free.
 */
export function pickBestAvailable(
  free: readonly SeatCandidate[],
  quantity: number,
  random: () => number,
  rowWidths: ReadonlyMap<number, number> = widthsOf(free),
  spread = 1,
): string[] | undefined {
  if (quantity < 1 || free.length < quantity) return undefined;
  const blocks = adjacentBlocks(free, quantity);
  if (blocks.length > 0) return pickFromBand(rankBlocks(blocks, rowWidths), 1, random, spread)[0]!.map((s) => s.seatId);
  const singles = rankBlocks(
    free.map((s) => [s]),
    rowWidths,
  );
  return pickFromBand(singles, quantity, random, spread).map((block) => block[0]!.seatId);
}

/** Every run of `size` consecutive seat numbers within one row. */
export function adjacentBlocks(free: readonly SeatCandidate[], size: number): SeatCandidate[][] {
  const byRow = new Map<number, SeatCandidate[]>();
  for (const seat of free) byRow.set(seat.rowIndex, [...(byRow.get(seat.rowIndex) ?? []), seat]);
  const blocks: SeatCandidate[][] = [];
  for (const seats of byRow.values()) {
    seats.sort((a, b) => a.number - b.number);
    for (let start = 0; start + size <= seats.length; start++) {
      const block = seats.slice(start, start + size);
      if (block[size - 1]!.number - block[0]!.number === size - 1) blocks.push(block);
    }
  }
  return blocks;
}

/** Best first: nearer the stage, then nearer the middle of the row. */
function rankBlocks(blocks: SeatCandidate[][], rowWidths: ReadonlyMap<number, number>): SeatCandidate[][] {
  const score = (block: SeatCandidate[]) => {
    const first = block[0]!;
    const centre = ((rowWidths.get(first.rowIndex) ?? first.number) + 1) / 2;
    const middle = (first.number + block[block.length - 1]!.number) / 2;
    return first.rowIndex * 10_000 + Math.abs(middle - centre);
  };
  return blocks
    .map((block) => ({ block, score: score(block) }))
    .sort((a, b) => a.score - b.score)
    .map(({ block }) => block);
}

/** `count` distinct picks, uniformly at random, from the best band of the ranked list. */
export function bandSize(candidates: number, count: number, spread = 1): number {
  return Math.min(candidates, Math.max(BAND_MIN, Math.ceil(candidates / 4), count) * Math.max(1, spread));
}

function pickFromBand<T>(ranked: readonly T[], count: number, random: () => number, spread: number): T[] {
  const size = bandSize(ranked.length, count, spread);
  const band = ranked.slice(0, size);
  // Partial Fisher–Yates shuffle: the first `count` entries become a uniform sample.
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (band.length - i));
    [band[i], band[j]] = [band[j]!, band[i]!];
  }
  return band.slice(0, count);
}

function widthsOf(seats: readonly SeatCandidate[]): Map<number, number> {
  const widths = new Map<number, number>();
  for (const s of seats) widths.set(s.rowIndex, Math.max(widths.get(s.rowIndex) ?? 0, s.number));
  return widths;
}
