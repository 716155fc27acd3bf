import { quantile } from "./quantile.js";

/**
 * The median spacing of sample times (seconds), from at most 101 evenly spread gaps so it stays
 * cheap on long series. NaN for fewer than two samples.
 */
export function medianInterval(times: ArrayLike<number>): number {
  const n = times.length;
  if (n < 2) return Number.NaN;
  const gaps = Math.min(n - 1, 101);
  const sample = new Float64Array(gaps);
  for (let k = 0; k < gaps; k++) {
    const i = Math.floor((k * (n - 1)) / gaps);
    sample[k] = (times[i + 1] as number) - (times[i] as number);
  }
  return quantile(sample, 0.5, sample);
}
