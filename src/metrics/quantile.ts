import { quickselect } from "simple-statistics";

/**
 * The q-quantile of already sorted values, interpolating linearly between order statistics at
 * position q·(n−1) (numpy's default, R type 7). NaN when empty.
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  checkQ(q);
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const position = q * (n - 1);
  const low = Math.floor(position);
  const high = Math.min(low + 1, n - 1);
  const a = sorted[low] as number;
  return a + ((sorted[high] as number) - a) * (position - low);
}

/**
 * The q-quantile of `values` in O(n), by Floyd–Rivest selection (simple-statistics' quickselect)
 * on `scratch`, which it overwrites (a copy of `values` is made when none is given). Same
 * definition as quantileSorted: the answer equals sorting and interpolating.
 */
export function quantile(values: ArrayLike<number>, q: number, scratch?: Float64Array): number {
  checkQ(q);
  const n = values.length;
  if (n === 0) return Number.NaN;
  const work = scratch !== undefined && scratch.length >= n ? scratch.subarray(0, n) : new Float64Array(n);
  for (let i = 0; i < n; i++) work[i] = values[i] as number;
  const position = q * (n - 1);
  const low = Math.floor(position);
  quickselect(work as unknown as number[], low);
  const a = work[low] as number;
  if (low === position || low + 1 >= n) return a;
  // After selection everything right of `low` is >= work[low]: the next order statistic is their minimum.
  let b = Number.POSITIVE_INFINITY;
  for (let i = low + 1; i < n; i++) if ((work[i] as number) < b) b = work[i] as number;
  return a + (b - a) * (position - low);
}

/** The largest value (−Infinity when empty). */
export function maxOf(values: ArrayLike<number>): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) if ((values[i] as number) > max) max = values[i] as number;
  return max;
}

function checkQ(q: number): void {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be within [0, 1], got ${q}`);
}
