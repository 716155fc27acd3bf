import { DecayingHistogram } from "./decaying-histogram.js";
import { maxOf, quantile } from "./quantile.js";

/** Observations of one resource: times in seconds (non-decreasing) and the values, index for index. */
export interface SampleWindow {
  times: ArrayLike<number>;
  values: ArrayLike<number>;
}

/**
 * An estimator turns a window into one number (a CPU request, a memory size). Estimators compose
 * as in Kubernetes VPA's recommender (pkg/recommender/logic/estimator.go): a percentile, then a
 * margin, then a confidence multiplier, each a small pure function wrapping the previous one.
 */
export type Estimator = (window: SampleWindow) => number;

/** The exact q-quantile of the values. */
export function percentileEstimator(q: number): Estimator {
  return (window) => quantile(window.values, q);
}

/** The largest value (the peak). */
export function maxEstimator(): Estimator {
  return (window) => (window.values.length === 0 ? Number.NaN : maxOf(window.values));
}

/** The q-quantile of a decaying histogram of the window (VPA's CPU estimator without the request weights). */
export function decayingPercentileEstimator(q: number, halfLifeSeconds: number, minValue: number): Estimator {
  return (window) => {
    const histogram = new DecayingHistogram({ halfLifeSeconds, minValue });
    for (let i = 0; i < window.values.length; i++) histogram.add(window.values[i] as number, window.times[i] as number);
    return histogram.quantile(q);
  };
}

/** The estimate times (1 + fraction): VPA's recommendation-margin-fraction (0.15), AWS's headroom. */
export function withMargin(estimator: Estimator, fraction: number): Estimator {
  return (window) => estimator(window) * (1 + fraction);
}

/** Never below `floor` (VPA's pod minimum, KRR's 10 m CPU / 100 MB floors). */
export function withFloor(estimator: Estimator, floor: number): Estimator {
  return (window) => Math.max(estimator(window), floor);
}

/**
 * VPA's confidence multiplier: estimate × (1 + multiplier / confidence)^exponent, where
 * confidence = historyDays (see historyConfidence). VPA's upper bound uses (1, 1), its lower
 * bound (0.001, −2): wide while the history is short, converging as it grows.
 */
export function withConfidenceMultiplier(
  estimator: Estimator,
  multiplier: number,
  exponent: number,
  confidence: (window: SampleWindow) => number,
): Estimator {
  return (window) => estimator(window) * (1 + multiplier / confidence(window)) ** exponent;
}
