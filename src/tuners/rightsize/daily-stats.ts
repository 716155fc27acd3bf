import { quantile } from "../../metrics/quantile.js";

export const DAY = 86_400;

/** Statistics per day of a window, day d covering [end − (days−d)·DAY, end − (days−d−1)·DAY). */
export interface DailyStats {
  days: number;
  /** NaN for a day with too few samples. */
  mean: Float64Array;
  quantile: Float64Array;
  max: Float64Array;
}

/**
 * Per-day mean, q-quantile and maximum of `values[from..to)` (times sorted), with days aligned so
 * the last one ends at `end`. A day with fewer than `minSamples` samples is NaN throughout, so a
 * half-observed first day cannot pose as a quiet one.
 */
export function dailyStats(
  times: ArrayLike<number>,
  values: ArrayLike<number>,
  from: number,
  to: number,
  end: number,
  q: number,
  minSamples: number,
  scratch: Float64Array,
): DailyStats {
  const first = from < to ? (times[from] as number) : end;
  const days = Math.max(1, Math.ceil((end - first) / DAY - 1e-9));
  const mean = new Float64Array(days).fill(Number.NaN);
  const quantiles = new Float64Array(days).fill(Number.NaN);
  const max = new Float64Array(days).fill(Number.NaN);
  let i = from;
  for (let d = 0; d < days; d++) {
    const dayEnd = end - (days - d - 1) * DAY;
    const start = i;
    let sum = 0;
    let peak = Number.NEGATIVE_INFINITY;
    // The last day includes its end instant (the newest sample sits exactly at `end`).
    while (i < to && ((times[i] as number) < dayEnd || d === days - 1)) {
      const v = values[i] as number;
      sum += v;
      if (v > peak) peak = v;
      i++;
    }
    const count = i - start;
    if (count < minSamples || count === 0) continue;
    mean[d] = sum / count;
    max[d] = peak;
    quantiles[d] = q >= 1 ? peak : quantile(sliceOf(values, start, i), q, scratch);
  }
  return { days, mean, quantile: quantiles, max };
}

function sliceOf(values: ArrayLike<number>, start: number, end: number): ArrayLike<number> {
  return ArrayBuffer.isView(values)
    ? (values as unknown as Float32Array).subarray(start, end)
    : Array.prototype.slice.call(values, start, end);
}
