import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { maxOf, quantile, quantileSorted } from "../../src/metrics/quantile.js";

const sortedQuantile = (values: number[], q: number) =>
  quantileSorted(
    [...values].sort((a, b) => a - b),
    q,
  );

describe("quantile", () => {
  it("interpolates between order statistics like numpy (R type 7)", () => {
    const values = Array.from({ length: 10 }, (_, i) => 10 - i);
    expect(quantile(values, 0.95)).toBeCloseTo(9.55, 12);
    expect(quantile(values, 0.5)).toBeCloseTo(5.5, 12);
    expect(quantile(values, 0)).toBe(1);
    expect(quantile(values, 1)).toBe(10);
    expect(quantile([], 0.5)).toBeNaN();
    expect(() => quantile(values, 1.5)).toThrow(RangeError);
  });

  it("equals sorting and interpolating, on the heap path and the selection path (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 3000 }),
        fc.constantFrom(0, 0.1, 0.5, 0.9, 0.95, 0.99, 0.995, 1),
        (values, q) => {
          const expected = sortedQuantile(values, q);
          expect(quantile(values, q)).toBeCloseTo(expected, 6);
          expect(quantile(Float64Array.from(values), q, new Float64Array(values.length))).toBeCloseTo(expected, 6);
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });

  it("reads Float32Array input without changing it, and finds the maximum", () => {
    const values = Float32Array.from({ length: 4032 }, (_, i) => (i * 7919) % 4032);
    const copy = values.slice();
    expect(quantile(values, 0.95)).toBeCloseTo(sortedQuantile(Array.from(values), 0.95), 9);
    expect(values).toEqual(copy);
    expect(maxOf(values)).toBe(4031);
    expect(maxOf([])).toBe(Number.NEGATIVE_INFINITY);
  });
});
