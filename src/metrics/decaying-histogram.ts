import { LogHistogram } from "./log-histogram.js";

/** How a DecayingHistogram buckets and forgets. */
export interface DecayingHistogramOptions {
  /** Seconds after which a sample weighs half as much as a new one. */
  halfLifeSeconds: number;
  /** The smallest value told apart from zero (VPA: 0.001 core for CPU, 10 MB for memory). */
  minValue: number;
  /**
   * Buckets per doubling. 14 makes neighbouring bucket bounds about 5% apart, as VPA's
   * exponential buckets (ratio 1.05, vertical-pod-autoscaler aggregations_config.go).
   */
  bucketsPerDoubling?: number;
}

/**
 * A histogram whose samples lose half their weight every half-life, as Kubernetes VPA's
 * recommender keeps CPU usage (24 h half-life). Built on LogHistogram's log-linear buckets:
 * instead of decaying old counts, each new sample gets weight 2^((t − t₀)/halfLife), so one
 * multiplication per sample suffices; the table is renormalised before the weights overflow.
 * Samples must arrive in non-decreasing time order for the weights to mean what they say.
 */
export class DecayingHistogram {
  readonly halfLifeSeconds: number;
  readonly minValue: number;
  private readonly histogram: LogHistogram;
  private referenceTime = Number.NaN;

  constructor(options: DecayingHistogramOptions) {
    if (!(options.halfLifeSeconds > 0)) throw new RangeError("halfLifeSeconds must be > 0");
    if (!(options.minValue > 0)) throw new RangeError("minValue must be > 0");
    this.halfLifeSeconds = options.halfLifeSeconds;
    this.minValue = options.minValue;
    this.histogram = new LogHistogram(options.bucketsPerDoubling ?? 14, 53);
  }

  /** Total decayed weight, relative to a sample at the reference time. */
  get weight(): number {
    return this.histogram.count;
  }

  get isEmpty(): boolean {
    return this.histogram.count === 0;
  }

  /** Adds `value` (>= 0) observed at `time` (seconds) with a base weight (VPA weighs CPU samples by the request). */
  add(value: number, time: number, weight = 1): void {
    if (Number.isNaN(this.referenceTime)) this.referenceTime = time;
    let exponent = (time - this.referenceTime) / this.halfLifeSeconds;
    if (exponent > 100) {
      // 2^100 is far from overflow; move the reference to now and shrink what is stored to match.
      this.histogram.scale(2 ** -exponent);
      this.referenceTime = time;
      exponent = 0;
    }
    this.histogram.record(value / this.minValue, weight * 2 ** exponent);
  }

  /** The weighted q-quantile, within about 2.5% (half a bucket). NaN when empty. */
  quantile(q: number): number {
    return this.histogram.quantile(q) * this.minValue;
  }
}
