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
 * The q-quantile of `values` in O(n), with the same definition as quantileSorted (the answer
 * equals sorting and interpolating). High quantiles (P95 and up) keep the largest values in a
 * small min-heap, one comparison for most values; others use Floyd–Rivest selection
 * (simple-statistics' quickselect). `scratch` is overwritten (allocated when not given).
 */
export function quantile(values: ArrayLike<number>, q: number, scratch?: Float64Array): number {
  checkQ(q);
  const n = values.length;
  if (n === 0) return Number.NaN;
  const low = Math.floor(q * (n - 1));
  const keep = n - low;
  if (keep <= 1024 && keep * 8 <= n) return upperQuantile(values, q, low, keep, scratch);
  const work = scratch !== undefined && scratch.length >= n ? scratch.subarray(0, n) : new Float64Array(n);
  for (let i = 0; i < n; i++) work[i] = values[i] as number;
  const position = q * (n - 1);
  quickselect(work as unknown as number[], low);
  const a = work[low] as number;
  if (low === position || low + 1 >= n) return a;
  // After selection everything right of `low` is >= work[low]: the next order statistic is their minimum.
  let b = Number.POSITIVE_INFINITY;
  for (let i = low + 1; i < n; i++) if ((work[i] as number) < b) b = work[i] as number;
  return a + (b - a) * (position - low);
}

/**
 * The quantile from the `keep` largest values, held in a binary min-heap: its root is order
 * statistic `low`, the smaller of the root's children the next one.
 */
function upperQuantile(
  values: ArrayLike<number>,
  q: number,
  low: number,
  keep: number,
  scratch?: Float64Array,
): number {
  const heap = scratch !== undefined && scratch.length >= keep ? scratch : new Float64Array(keep);
  const n = values.length;
  for (let i = 0; i < keep; i++) heap[i] = values[i] as number;
  for (let i = (keep >> 1) - 1; i >= 0; i--) siftDown(heap, i, keep);
  for (let i = keep; i < n; i++) {
    const v = values[i] as number;
    if (v > (heap[0] as number)) {
      heap[0] = v;
      siftDown(heap, 0, keep);
    }
  }
  const a = heap[0] as number;
  const position = q * (n - 1);
  if (position === low || keep < 2) return a;
  const b = keep === 2 ? (heap[1] as number) : Math.min(heap[1] as number, heap[2] as number);
  return a + (b - a) * (position - low);
}

function siftDown(heap: Float64Array, start: number, size: number): void {
  let i = start;
  const value = heap[i] as number;
  for (;;) {
    let child = 2 * i + 1;
    if (child >= size) break;
    if (child + 1 < size && (heap[child + 1] as number) < (heap[child] as number)) child++;
    if ((heap[child] as number) >= value) break;
    heap[i] = heap[child] as number;
    i = child;
  }
  heap[i] = value;
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
