/**
 * How far the order buyers were served in departs from the order they arrived in. Pure.
 *
 * - Kendall tau distance: the share of buyer pairs served in the opposite order of their arrival
 *   (0 = perfectly first come first served, 0.5 = random, 1 = exactly reversed).
 * - Displacement: |rank by arrival − rank by service|, among the buyers served.
 */

export interface Fairness {
  readonly buyers: number;
  readonly kendallTauDistance: number;
  readonly maxDisplacement: number;
  readonly meanDisplacement: number;
}

/** `served` lists arrival ranks in the order buyers were served. */
export function fairness(arrivalRanksInServiceOrder: readonly number[]): Fairness {
  const n = arrivalRanksInServiceOrder.length;
  // Re-rank the arrival ranks densely among the served buyers.
  const dense = new Map([...arrivalRanksInServiceOrder].sort((a, b) => a - b).map((rank, i) => [rank, i]));
  const ranks = arrivalRanksInServiceOrder.map((rank) => dense.get(rank)!);
  let maxDisplacement = 0;
  let totalDisplacement = 0;
  ranks.forEach((arrival, served) => {
    const d = Math.abs(arrival - served);
    maxDisplacement = Math.max(maxDisplacement, d);
    totalDisplacement += d;
  });
  const pairs = (n * (n - 1)) / 2;
  return {
    buyers: n,
    kendallTauDistance: pairs === 0 ? 0 : countInversions(ranks) / pairs,
    maxDisplacement,
    meanDisplacement: n === 0 ? 0 : totalDisplacement / n,
  };
}

/** Pairs out of order, by merge sort: O(n log n). */
export function countInversions(values: readonly number[]): number {
  const a = [...values];
  const buffer = new Array<number>(a.length);
  let inversions = 0;
  for (let width = 1; width < a.length; width *= 2) {
    for (let lo = 0; lo < a.length; lo += 2 * width) {
      const mid = Math.min(lo + width, a.length);
      const hi = Math.min(lo + 2 * width, a.length);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        if (a[i]! <= a[j]!) buffer[k++] = a[i++]!;
        else {
          inversions += mid - i;
          buffer[k++] = a[j++]!;
        }
      }
      while (i < mid) buffer[k++] = a[i++]!;
      while (j < hi) buffer[k++] = a[j++]!;
      for (let m = lo; m < hi; m++) a[m] = buffer[m]!;
    }
  }
  return inversions;
}

/** Buyers served (by `servedAt`) ranked against their arrival (by `arrivedAt`). */
export function fairnessOf<T>(
  buyers: readonly T[],
  arrivedAt: (b: T) => number | undefined,
  servedAt: (b: T) => number | undefined,
): Fairness {
  const arrived = buyers.filter((b) => arrivedAt(b) !== undefined).sort((x, y) => arrivedAt(x)! - arrivedAt(y)!);
  const rank = new Map(arrived.map((b, i) => [b, i]));
  const served = buyers
    .filter((b) => servedAt(b) !== undefined && rank.has(b))
    .sort((x, y) => servedAt(x)! - servedAt(y)!);
  return fairness(served.map((b) => rank.get(b)!));
}
