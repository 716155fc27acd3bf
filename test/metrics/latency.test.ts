import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LatencyRecorder } from "../../src/metrics/latency-recorder.js";
import { LogHistogram } from "../../src/metrics/log-histogram.js";

describe("LatencyRecorder (exact)", () => {
  it("interpolates between order statistics like numpy", () => {
    const recorder = new LatencyRecorder("exact");
    for (let v = 1; v <= 10; v++) recorder.record(v);
    expect(recorder.quantile(0.95)).toBeCloseTo(9.55, 12);
    expect(recorder.quantile(0.5)).toBeCloseTo(5.5, 12);
    expect(recorder.quantile(0)).toBe(1);
    expect(recorder.quantile(1)).toBe(10);
    expect(recorder.mean()).toBe(5.5);
    expect(recorder.series()).toHaveLength(10);
    expect(new LatencyRecorder().quantile(0.5)).toBeNaN();
  });
});

describe("LogHistogram", () => {
  it("every quantile is within 0.2% of the exact one (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1, max: 1e12, noNaN: true }), { minLength: 1, maxLength: 300 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, q) => {
          const histogram = new LogHistogram();
          for (const v of values) histogram.record(v);
          const sorted = [...values].sort((a, b) => a - b);
          // The histogram answers the smallest value whose rank covers q·n (nearest rank).
          const exact = sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] as number;
          expect(Math.abs(histogram.quantile(q) - exact) / exact).toBeLessThanOrEqual(1 / 512 + 1e-12);
        },
      ),
    );
  });

  it("merges histograms and refuses bad values", () => {
    const a = new LogHistogram();
    const b = new LogHistogram();
    a.record(10);
    b.record(1000);
    a.merge(b);
    expect(a.count).toBe(2);
    expect(a.max).toBe(1000);
    expect(a.mean()).toBe(505);
    expect(() => a.record(-1)).toThrow(RangeError);
    expect(() => a.merge(new LogHistogram(16))).toThrow(/layouts/);
  });
});
