import type { RandomStream } from "./rng.js";

/**
 * A distribution given by data: the inverse of a piecewise-linear CDF through (value,
 * cumulative probability) points. Built from measured samples (each sorted sample at
 * probability i/(n-1)) or from published percentile points.
 */
export class EmpiricalDistribution {
  private readonly values: Float64Array;
  private readonly probabilities: Float64Array;

  private constructor(values: Float64Array, probabilities: Float64Array) {
    this.values = values;
    this.probabilities = probabilities;
  }

  static fromSamples(samples: readonly number[]): EmpiricalDistribution {
    if (samples.length === 0) throw new RangeError("an empirical distribution needs at least one sample");
    const values = Float64Array.from(samples).sort();
    if (values.some((x) => !Number.isFinite(x))) throw new RangeError("empirical samples must be finite numbers");
    const n = values.length;
    const probabilities = new Float64Array(n);
    for (let i = 0; i < n; i++) probabilities[i] = n === 1 ? 1 : i / (n - 1);
    return new EmpiricalDistribution(values, probabilities);
  }

  /** Points (value, cumulative probability): values non-decreasing, probabilities from 0 to 1. */
  static fromPoints(points: readonly { value: number; p: number }[]): EmpiricalDistribution {
    if (points.length < 2) throw new RangeError("an empirical CDF needs at least two points");
    points.forEach((point, i) => {
      const previous = points[i - 1];
      if (!Number.isFinite(point.value) || !(point.p >= 0 && point.p <= 1)) {
        throw new RangeError(`point ${i}: value must be finite and p within [0, 1]`);
      }
      if (previous !== undefined && (point.value < previous.value || point.p < previous.p)) {
        throw new RangeError(`point ${i}: values and probabilities must be non-decreasing`);
      }
    });
    if ((points[0] as { p: number }).p !== 0 || (points.at(-1) as { p: number }).p !== 1) {
      throw new RangeError("an empirical CDF must start at p = 0 and end at p = 1");
    }
    return new EmpiricalDistribution(
      Float64Array.from(points, (point) => point.value),
      Float64Array.from(points, (point) => point.p),
    );
  }

  /** The value at cumulative probability u (the quantile function). */
  quantile(u: number): number {
    const probabilities = this.probabilities;
    const n = probabilities.length;
    if (n === 1) return this.values[0] as number;
    let low = 0;
    let high = n - 1;
    while (high - low > 1) {
      const mid = (low + high) >> 1;
      if ((probabilities[mid] as number) <= u) low = mid;
      else high = mid;
    }
    const p0 = probabilities[low] as number;
    const p1 = probabilities[high] as number;
    const v0 = this.values[low] as number;
    const v1 = this.values[high] as number;
    return p1 === p0 ? v1 : v0 + ((v1 - v0) * (u - p0)) / (p1 - p0);
  }

  sample(stream: RandomStream): number {
    return this.quantile(stream.uniform());
  }

  /** The mean of the piecewise-linear distribution (each segment contributes its midpoint). */
  mean(): number {
    const n = this.values.length;
    if (n === 1) return this.values[0] as number;
    let total = 0;
    for (let i = 1; i < n; i++) {
      const weight = (this.probabilities[i] as number) - (this.probabilities[i - 1] as number);
      total += (weight * ((this.values[i] as number) + (this.values[i - 1] as number))) / 2;
    }
    return total;
  }
}
