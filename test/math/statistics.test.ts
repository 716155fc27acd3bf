import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { batchMeans, meanWithInterval } from "../../src/math/batch-means.js";
import { normalQuantile } from "../../src/math/normal-quantile.js";
import {
  erlangC,
  kingmanMeanWait,
  md1MeanWait,
  mg1MeanWait,
  mm1MeanSojourn,
  mm1MeanWait,
  mmcMeanWait,
} from "../../src/math/queueing-theory.js";
import { studentTQuantile } from "../../src/math/student-t.js";

describe("quantiles of the normal and t distributions", () => {
  it("match table values", () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 6);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 5);
    // Student t, two-sided 95% (p = 0.975) and 99% (p = 0.995) from standard tables.
    const table: [number, number, number][] = [
      [0.975, 1, 12.7062],
      [0.975, 2, 4.3027],
      [0.975, 3, 3.1824],
      [0.975, 4, 2.7764],
      [0.975, 5, 2.5706],
      [0.975, 10, 2.2281],
      [0.975, 30, 2.0423],
      [0.975, 49, 2.0096],
      [0.995, 9, 3.2498],
      [0.995, 49, 2.68],
    ];
    for (const [p, df, t] of table) expect(studentTQuantile(p, df)).toBeCloseTo(t, 3);
    expect(studentTQuantile(0.025, 10)).toBeCloseTo(-2.2281, 3);
    expect(() => studentTQuantile(1, 5)).toThrow(RangeError);
  });

  it("the t quantile decreases towards the normal one as df grows (property)", () => {
    fc.assert(
      fc.property(fc.double({ min: 0.55, max: 0.999, noNaN: true }), fc.integer({ min: 1, max: 200 }), (p, df) => {
        expect(studentTQuantile(p, df + 1)).toBeLessThanOrEqual(studentTQuantile(p, df) + 1e-9);
        expect(studentTQuantile(p, df)).toBeGreaterThanOrEqual(normalQuantile(p) - 1e-9);
      }),
    );
  });
});

describe("confidence intervals", () => {
  it("meanWithInterval gives the t interval of a sample", () => {
    const estimate = meanWithInterval([1, 2, 3, 4, 5]);
    expect(estimate.mean).toBe(3);
    // sd = sqrt(2.5), se = sqrt(0.5), t(0.975, 4) = 2.7764
    expect(estimate.halfWidth).toBeCloseTo(2.7764 * Math.sqrt(0.5), 3);
  });

  it("batch means of a constant series has zero width; bad arguments are refused", () => {
    const estimate = batchMeans(new Float64Array(100).fill(7), 10);
    expect(estimate.mean).toBe(7);
    expect(estimate.halfWidth).toBe(0);
    expect(() => batchMeans([1, 2, 3], 10)).toThrow(/at least 10/);
    expect(() => batchMeans([1, 2, 3], 1)).toThrow(/>= 2/);
  });
});

describe("queueing closed forms", () => {
  it("give the textbook values", () => {
    expect(mm1MeanWait(0.8, 1)).toBeCloseTo(4, 12);
    expect(mm1MeanSojourn(0.8, 1)).toBeCloseTo(5, 12);
    expect(md1MeanWait(0.8, 1)).toBeCloseTo(2, 12);
    expect(mg1MeanWait(0.8, 1, 1)).toBeCloseTo(4, 12);
    expect(mg1MeanWait(0.8, 1, 0)).toBeCloseTo(2, 12);
    expect(erlangC(2, 1)).toBeCloseTo(1 / 3, 12);
    expect(erlangC(1, 0.8)).toBeCloseTo(0.8, 12);
    expect(mmcMeanWait(0.8, 1, 1)).toBeCloseTo(4, 12);
    expect(kingmanMeanWait(0.8, 1, 1, 1)).toBeCloseTo(4, 12);
    expect(() => mm1MeanWait(1, 1)).toThrow(/unstable/);
    expect(() => erlangC(2, 2)).toThrow(/unstable/);
  });

  it("waits grow with load (property)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 0.9, noNaN: true }),
        fc.double({ min: 0.001, max: 0.09, noNaN: true }),
        fc.integer({ min: 1, max: 16 }),
        (rho, step, c) => {
          expect(mm1MeanWait(rho + step, 1)).toBeGreaterThan(mm1MeanWait(rho, 1));
          expect(mmcMeanWait((rho + step) * c, 1, c)).toBeGreaterThan(mmcMeanWait(rho * c, 1, c));
        },
      ),
    );
  });
});
