import { studentTQuantile } from "./student-t.js";

/** A mean with a confidence interval. */
export interface Estimate {
  mean: number;
  halfWidth: number;
  lower: number;
  upper: number;
  /** Number of batches (or replications) the interval rests on. */
  n: number;
}

/**
 * The mean of an autocorrelated series (waits in a queue) with a confidence interval by the
 * method of non-overlapping batch means: split the series into `batches` equal batches, treat
 * the batch means as nearly independent, and use Student's t on them. The naive i.i.d. standard
 * error understates the error of M/M/1 waits many times over (measured at ρ = 0.8: the mean wait
 * of 10^6 customers has a standard error near 0.04 across seeds; the i.i.d. formula gives 0.005).
 */
export function batchMeans(series: ArrayLike<number>, batches = 50, confidence = 0.95): Estimate {
  if (!Number.isInteger(batches) || batches < 2)
    throw new RangeError(`batches must be an integer >= 2, got ${batches}`);
  const size = Math.floor(series.length / batches);
  if (size < 1) throw new RangeError(`batch means needs at least ${batches} values, got ${series.length}`);
  const means = new Float64Array(batches);
  for (let b = 0; b < batches; b++) {
    let sum = 0;
    for (let i = b * size; i < (b + 1) * size; i++) sum += series[i] as number;
    means[b] = sum / size;
  }
  return meanWithInterval(means, confidence);
}

/** Mean and Student-t confidence interval of independent values (replications, batch means). */
export function meanWithInterval(values: ArrayLike<number>, confidence = 0.95): Estimate {
  const n = values.length;
  if (n < 2) throw new RangeError(`a confidence interval needs at least 2 values, got ${n}`);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i] as number;
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += ((values[i] as number) - mean) ** 2;
  const standardError = Math.sqrt(squares / (n - 1) / n);
  const halfWidth = studentTQuantile(1 - (1 - confidence) / 2, n - 1) * standardError;
  return { mean, halfWidth, lower: mean - halfWidth, upper: mean + halfWidth, n };
}
