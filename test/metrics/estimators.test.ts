import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { historyConfidence } from "../../src/metrics/confidence.js";
import { DecayingHistogram } from "../../src/metrics/decaying-histogram.js";
import {
  decayingPercentileEstimator,
  maxEstimator,
  percentileEstimator,
  type SampleWindow,
  withConfidenceMultiplier,
  withFloor,
  withMargin,
} from "../../src/metrics/estimator.js";

const DAY = 86_400;
const window = (values: number[], step = 300): SampleWindow => ({ times: values.map((_, i) => i * step), values });

describe("estimators compose like VPA's", () => {
  it("percentile, then margin, then floor", () => {
    const w = window(Array.from({ length: 101 }, (_, i) => i));
    expect(percentileEstimator(0.9)(w)).toBeCloseTo(90, 12);
    expect(withMargin(percentileEstimator(0.9), 0.15)(w)).toBeCloseTo(103.5, 12);
    expect(withFloor(withMargin(maxEstimator(), 0.15), 500)(w)).toBe(500);
    expect(maxEstimator()(window([]))).toBeNaN();
  });

  it("VPA's confidence multiplier widens a bound while the history is short", () => {
    const upper = withConfidenceMultiplier(maxEstimator(), 1, 1, historyConfidence);
    const oneDay = window(new Array(289).fill(1));
    const twelveHours = window(new Array(145).fill(1));
    expect(historyConfidence(oneDay)).toBeCloseTo(1, 2);
    expect(upper(oneDay)).toBeCloseTo(2, 1); // ×(1 + 1/1) at one day
    expect(upper(twelveHours)).toBeCloseTo(3, 1); // ×3 at 12 h
    // Days count by span and by samples, whichever is smaller: a sparse trace is not a long one.
    expect(historyConfidence({ times: [0, 10 * DAY], values: [1, 1] })).toBeLessThan(0.01);
  });

  it("a higher percentile never gives a smaller estimate (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 1, maxLength: 500 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, a, b) => {
          const [low, high] = a < b ? [a, b] : [b, a];
          const w = window(values);
          expect(percentileEstimator(high)(w)).toBeGreaterThanOrEqual(percentileEstimator(low)(w) - 1e-9);
        },
      ),
      { seed: 7 },
    );
  });
});

describe("DecayingHistogram", () => {
  it("halves the weight of a sample per half-life", () => {
    const histogram = new DecayingHistogram({ halfLifeSeconds: DAY, minValue: 0.001 });
    for (let i = 0; i < 100; i++) histogram.add(1, 0);
    for (let i = 0; i < 100; i++) histogram.add(10, DAY);
    // The new samples weigh twice the old: 2/3 of the weight sits at 10, so the median is 10.
    expect(histogram.quantile(0.5)).toBeCloseTo(10, 0);
    expect(histogram.quantile(0.3)).toBeCloseTo(1, 1);
    expect(histogram.weight).toBeCloseTo(300, 9);
  });

  it("stays accurate across hundreds of half-lives (renormalisation)", () => {
    const histogram = new DecayingHistogram({ halfLifeSeconds: 3600, minValue: 0.001 });
    for (let hour = 0; hour < 2000; hour++) histogram.add(hour < 1990 ? 5 : 0.5, hour * 3600);
    expect(Number.isFinite(histogram.weight)).toBe(true);
    // The last ten hours dominate: 0.5 is their value.
    expect(histogram.quantile(0.5)).toBeCloseTo(0.5, 1);
  });

  it("is what the VPA baseline's estimator uses: p90 of a constant is that constant within a bucket", () => {
    const estimate = decayingPercentileEstimator(0.9, DAY, 0.001)(window(new Array(500).fill(2.5)));
    expect(Math.abs(estimate / 2.5 - 1)).toBeLessThan(0.03);
  });
});
