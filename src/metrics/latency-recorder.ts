import { LogHistogram } from "./log-histogram.js";
import { quantileSorted } from "./quantile.js";

/** Which percentile method a LatencyRecorder uses. */
export type PercentileMode = "exact" | "histogram";

/**
 * Records latencies and answers percentiles, exactly (every value kept; linear interpolation
 * between order statistics, numpy's default) or from a LogHistogram (constant memory, within
 * 0.2%). Exact mode suits validation runs, histogram mode long runs.
 */
export class LatencyRecorder {
  readonly mode: PercentileMode;
  private values = new Float64Array(1024);
  private n = 0;
  private sorted: Float64Array | null = null;
  private readonly histogram: LogHistogram | null;
  private sum = 0;

  constructor(mode: PercentileMode = "exact") {
    this.mode = mode;
    this.histogram = mode === "histogram" ? new LogHistogram() : null;
  }

  get count(): number {
    return this.histogram === null ? this.n : this.histogram.count;
  }

  record(value: number): void {
    if (this.histogram !== null) {
      this.histogram.record(value);
      return;
    }
    if (this.n === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.n++] = value;
    this.sum += value;
    this.sorted = null;
  }

  mean(): number {
    if (this.histogram !== null) return this.histogram.mean();
    return this.n === 0 ? Number.NaN : this.sum / this.n;
  }

  /** The recorded values in order of arrival (exact mode only). */
  series(): Float64Array {
    if (this.histogram !== null) throw new Error("a histogram recorder keeps no series");
    return this.values.subarray(0, this.n);
  }

  /** The q-quantile, q in [0, 1]; NaN when nothing was recorded. */
  quantile(q: number): number {
    if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be within [0, 1], got ${q}`);
    if (this.histogram !== null) return this.histogram.quantile(q);
    if (this.n === 0) return Number.NaN;
    if (this.sorted === null) this.sorted = this.values.slice(0, this.n).sort();
    return quantileSorted(this.sorted, q);
  }
}
