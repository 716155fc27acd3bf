import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EmpiricalDistribution } from "../../sim/empirical-distribution.js";
import { logFactorial, RandomStream, RandomStreams } from "../../sim/rng.js";

function moments(draw: () => number, n: number): { mean: number; variance: number } {
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const x = draw();
    sum += x;
    squares += x * x;
  }
  const mean = sum / n;
  return { mean, variance: squares / n - mean * mean };
}

describe("RandomStreams", () => {
  it("the same seed and name give the same draws; another seed or name gives others", () => {
    const draws = (seed: number, name: string) =>
      Array.from({ length: 5 }, new RandomStreams(seed).stream(name).uniform);
    expect(draws(42, "disk")).toEqual(draws(42, "disk"));
    expect(draws(42, "disk")).not.toEqual(draws(43, "disk"));
    expect(draws(42, "disk")).not.toEqual(draws(42, "net"));
  });

  it("a stream's draws do not depend on other streams being created or drawn from (property)", () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.string({ minLength: 1 }),
        fc.array(fc.tuple(fc.string({ minLength: 1 }), fc.nat(20))),
        (seed, name, others) => {
          const alone = new RandomStreams(seed).stream(name);
          const expected = Array.from({ length: 10 }, () => alone.uniform());
          const streams = new RandomStreams(seed);
          for (const [other, count] of others) {
            if (other === name) continue;
            const stream = streams.stream(other);
            for (let i = 0; i < count; i++) stream.uniform();
          }
          const mine = streams.stream(name);
          expect(Array.from({ length: 10 }, () => mine.uniform())).toEqual(expected);
        },
      ),
    );
  });

  it("streams with related names are uncorrelated", () => {
    const streams = new RandomStreams(7);
    const a = streams.stream("host-1");
    const b = streams.stream("host-2");
    const n = 200_000;
    let sab = 0;
    for (let i = 0; i < n; i++) sab += (a.uniform() - 0.5) * (b.uniform() - 0.5);
    // Correlation of independent uniforms: sd 1/sqrt(n) = 0.0022; 5 sd bound.
    expect(Math.abs(sab / n / (1 / 12))).toBeLessThan(0.011);
  });

  it("a snapshot forks an identical stream", () => {
    const stream = new RandomStreams(1).stream("x");
    stream.normal();
    const fork = RandomStream.fromState(stream.snapshot());
    expect(Array.from({ length: 5 }, () => fork.normal())).toEqual(Array.from({ length: 5 }, () => stream.normal()));
  });
});

describe("distributions", () => {
  const stream = new RandomStreams(2026).stream("moments");
  const n = 400_000;

  it("uniform draws lie in [0, 1) with mean 1/2 and variance 1/12", () => {
    const { mean, variance } = moments(stream.uniform, n);
    expect(mean).toBeCloseTo(0.5, 2);
    expect(variance).toBeCloseTo(1 / 12, 3);
    for (let i = 0; i < 1000; i++) expect(stream.integer(6)).toBeLessThan(6);
  });

  it("exponential has mean 1/rate and variance 1/rate^2", () => {
    const { mean, variance } = moments(() => stream.exponential(4), n);
    expect(mean).toBeCloseTo(0.25, 2);
    expect(variance).toBeCloseTo(1 / 16, 2);
  });

  it("normal has the given mean and sd", () => {
    const { mean, variance } = moments(() => stream.normal(10, 3), n);
    expect(mean).toBeCloseTo(10, 1);
    expect(Math.sqrt(variance)).toBeCloseTo(3, 1);
  });

  it("lognormal by mean and CV has that mean and CV", () => {
    const { mean, variance } = moments(() => stream.lognormalMeanCv(2, 0.5), n);
    expect(mean).toBeCloseTo(2, 1);
    expect(Math.sqrt(variance) / mean).toBeCloseTo(0.5, 1);
  });

  it("Pareto has mean alpha·xm/(alpha-1) and no value below xm", () => {
    const { mean } = moments(() => stream.pareto(1, 3), n);
    expect(mean).toBeCloseTo(1.5, 1);
    for (let i = 0; i < 1000; i++) expect(stream.pareto(2, 1.5)).toBeGreaterThanOrEqual(2);
  });

  it("Poisson has mean and variance lambda on both the small and the large method", () => {
    for (const lambda of [0.5, 4, 29, 30, 250]) {
      const { mean, variance } = moments(() => stream.poisson(lambda), 200_000);
      expect(Math.abs(mean - lambda) / lambda).toBeLessThan(0.02);
      expect(Math.abs(variance - lambda) / lambda).toBeLessThan(0.04);
    }
    expect(stream.poisson(0)).toBe(0);
    expect(() => stream.poisson(-1)).toThrow(RangeError);
  });

  it("logFactorial matches the exact sum and Stirling above the table", () => {
    expect(logFactorial(5)).toBeCloseTo(Math.log(120), 12);
    let exact = 0;
    for (let k = 1; k <= 1000; k++) exact += Math.log(k);
    expect(logFactorial(1000)).toBeCloseTo(exact, 8);
  });

  it("an empirical distribution reproduces its points and its mean", () => {
    const latency = EmpiricalDistribution.fromPoints([
      { value: 1, p: 0 },
      { value: 2, p: 0.5 },
      { value: 10, p: 1 },
    ]);
    expect(latency.quantile(0.25)).toBeCloseTo(1.5, 12);
    expect(latency.quantile(0.75)).toBeCloseTo(6, 12);
    expect(latency.mean()).toBeCloseTo(0.5 * 1.5 + 0.5 * 6, 12);
    const { mean } = moments(() => latency.sample(stream), n);
    expect(mean).toBeCloseTo(3.75, 1);
    const data = EmpiricalDistribution.fromSamples([3, 1, 2]);
    expect(data.quantile(0.5)).toBe(2);
    expect(() =>
      EmpiricalDistribution.fromPoints([
        { value: 1, p: 0.2 },
        { value: 2, p: 1 },
      ]),
    ).toThrow(/start at p = 0/);
    expect(() => EmpiricalDistribution.fromSamples([])).toThrow(RangeError);
  });
});
