import { linearRegression } from "simple-statistics";
import { describe, expect, it } from "vitest";
import { RandomStreams } from "../../sim/rng.js";
import { dailyProfile } from "../../src/metrics/seasonality.js";
import { dailyTrend } from "../../src/metrics/trend.js";

const noisy = (n: number, f: (d: number) => number, sd: number, seed: number) => {
  const stream = new RandomStreams(seed).stream("trend");
  return Float64Array.from({ length: n }, (_, d) => f(d) + stream.normal(0, sd));
};

describe("dailyTrend", () => {
  it("finds a real slope and calls it significant, with the level at the end of the last day", () => {
    const trend = dailyTrend(noisy(14, (d) => 10 + 0.5 * (d + 0.5), 0.1, 1));
    expect(trend.method).toBe("weekly-difference");
    expect(trend.slopePerDay).toBeCloseTo(0.5, 1);
    expect(trend.significant).toBe(true);
    expect(trend.levelAtEnd).toBeCloseTo(17, 0);
  });

  it("reads quiet weekends as seasonality, not as a decline (a plain regression would not)", () => {
    const weekly = (d: number) => (d % 7 >= 5 ? 4 : 10);
    const daily = noisy(14, weekly, 0.2, 2);
    const points = Array.from(daily, (v, d) => [d + 0.5, v]);
    expect(linearRegression(points).m).toBeLessThan(-0.05); // the bias a regression has here
    const trend = dailyTrend(daily);
    expect(Math.abs(trend.slopePerDay)).toBeLessThan(0.05);
    expect(trend.significant).toBe(false);
  });

  it("calls pure noise significant about as often as the significance level says", () => {
    let significant = 0;
    for (let seed = 0; seed < 400; seed++) if (dailyTrend(noisy(14, () => 5, 1, 100 + seed)).significant) significant++;
    expect(significant / 400).toBeGreaterThan(0.01);
    expect(significant / 400).toBeLessThan(0.1);
  });

  it("regresses 3 to 13 days, skips missing days, and gives up on fewer than 3", () => {
    const trend = dailyTrend(Float64Array.from([1, 2, Number.NaN, 4, 5]));
    expect(trend.method).toBe("regression");
    expect(trend.slopePerDay).toBeCloseTo(1, 9);
    expect(trend.standardError).toBe(0);
    expect(trend.significant).toBe(true);
    expect(dailyTrend([1, 2]).method).toBe("none");
  });
});

describe("dailyProfile", () => {
  it("sees an office-hours cycle, and no cycle in noise", () => {
    const times = Float64Array.from({ length: 288 * 7 }, (_, i) => i * 300);
    const cycle = Float64Array.from(times, (t) => 1 + Math.sin((2 * Math.PI * (t % 86_400)) / 86_400));
    const profile = dailyProfile(times, cycle);
    expect(profile.strength).toBeGreaterThan(0.99);
    expect(profile.peakBin).toBe(6); // sin peaks a quarter of the way into the day
    const stream = new RandomStreams(3).stream("noise");
    const flat = dailyProfile(
      times,
      Float64Array.from(times, () => stream.normal(5, 1)),
    );
    expect(flat.strength).toBeLessThan(0.05);
  });
});
