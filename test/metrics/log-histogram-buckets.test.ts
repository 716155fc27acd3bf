import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LogHistogram } from "../../src/metrics/log-histogram.js";

describe("LogHistogram buckets", () => {
  it("hold every recorded value once, in order, each inside its bucket, at any coarseness (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e7, noNaN: true }), { minLength: 1, maxLength: 300 }),
        fc.constantFrom(1, 8, 64, 256),
        (values, perOctave) => {
          const histogram = new LogHistogram();
          for (const v of values) histogram.record(v);
          const buckets = histogram.buckets(perOctave);
          expect(buckets.reduce((s, b) => s + b.count, 0)).toBe(values.length);
          for (let i = 1; i < buckets.length; i++)
            expect((buckets[i] as { low: number }).low).toBeGreaterThanOrEqual(
              (buckets[i - 1] as { high: number }).high - 1e-9,
            );
          for (const v of values) expect(buckets.some((b) => v >= b.low && v < b.high * (1 + 1e-12))).toBe(true);
          // Coarse buckets are 2^(1/perOctave)-ish wide: at most 1/perOctave of their lower bound.
          for (const b of buckets)
            if (b.low >= 1) expect((b.high - b.low) / b.low).toBeLessThanOrEqual(1 / perOctave + 1e-12);
        },
      ),
      { seed: 5 },
    );
  });

  it("refuses a coarseness that does not divide its sub-buckets", () => {
    expect(() => new LogHistogram(256).buckets(3)).toThrow(/divide/);
  });

  it("revives from a structured clone (a worker thread's result) with the same answers", () => {
    const histogram = new LogHistogram();
    for (const v of [0.5, 3, 17, 250, 4096, 4100, 1e6]) histogram.record(v);
    const clone = structuredClone(histogram);
    expect(clone).not.toBeInstanceOf(LogHistogram);
    const revived = LogHistogram.revive(clone);
    expect(revived.buckets(8)).toEqual(histogram.buckets(8));
    expect(revived.quantile(0.5)).toBe(histogram.quantile(0.5));
    expect([revived.count, revived.min, revived.max, revived.mean()]).toEqual([
      histogram.count,
      histogram.min,
      histogram.max,
      histogram.mean(),
    ]);
  });
});
