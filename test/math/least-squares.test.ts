import { describe, expect, it } from "vitest";
import { RandomStreams } from "../../sim/rng.js";
import { LeastSquaresDesign } from "../../src/math/least-squares.js";

describe("LeastSquaresDesign (mathjs)", () => {
  it("recovers known coefficients and a residual variance near the noise's", async () => {
    const stream = new RandomStreams(1).stream("ls");
    const x = Array.from({ length: 500 }, (_, i) => [1, i / 100, Math.sin(i / 10)]);
    const y = x.map(([, t, s]) => 2 + 0.5 * (t as number) - 3 * (s as number) + stream.normal(0, 0.1));
    const design = await LeastSquaresDesign.create(x);
    const fit = design.fit(y);
    expect(fit.beta[0]).toBeCloseTo(2, 1);
    expect(fit.beta[1]).toBeCloseTo(0.5, 1);
    expect(fit.beta[2]).toBeCloseTo(-3, 1);
    expect(Math.sqrt(fit.residualVariance)).toBeCloseTo(0.1, 1);
    expect(fit.degreesOfFreedom).toBe(497);
    const at = design.predict(fit, [1, 2.5, 0]);
    expect(at.mean).toBeCloseTo(3.25, 1);
    expect(at.meanVariance).toBeGreaterThan(0);
    expect(at.meanVariance).toBeLessThan(0.001);
  });

  it("refuses designs it cannot fit", async () => {
    await expect(LeastSquaresDesign.create([[1, 2]])).rejects.toThrow(/more rows/);
    await expect(
      LeastSquaresDesign.create([
        [1, 2],
        [2, 4],
        [3, 6],
      ]),
    ).rejects.toThrow(/rank-deficient/);
  });
});
