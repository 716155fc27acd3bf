import { describe, expect, it } from "vitest";
import { RandomStreams } from "../../../sim/rng.js";
import { quantile } from "../../../src/metrics/quantile.js";
import { censoredQuantile } from "../../../src/tuners/rightsize/censored.js";

describe("censoredQuantile", () => {
  it("recovers the P95 of lognormal demand from samples cut off at a ceiling", () => {
    const stream = new RandomStreams(11).stream("censored");
    const demand = Float64Array.from({ length: 20_000 }, () => stream.lognormal(Math.log(2), 0.4));
    const truth = quantile(demand, 0.95);
    const ceiling = quantile(demand, 0.7); // 30% of the samples hit it
    const seen = demand.map((v) => Math.min(v, ceiling));
    const estimate = censoredQuantile(seen, 0.3, ceiling, 0.95) as number;
    expect(Math.abs(estimate / truth - 1)).toBeLessThan(0.05);
    expect(quantile(seen, 0.95)).toBe(ceiling); // what a naive P95 says
  });

  it("says nothing when the quantile is not censored or too little of the demand shows", () => {
    const values = [1, 2, 3, 4, 5];
    expect(censoredQuantile(values, 0.02, 5, 0.95)).toBeUndefined();
    expect(censoredQuantile(values, 0.95, 5, 0.95)).toBeUndefined();
  });
});
