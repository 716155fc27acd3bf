import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { meanWithInterval } from "../../src/math/batch-means.js";
import { signTestPValue } from "../../src/math/sign-test.js";
import { aggregatePoint, statOf } from "../../src/sweep/aggregate.js";
import { comparePolicies } from "../../src/sweep/policy-comparison.js";
import type { RunSummary } from "../../src/sweep/run-summary.js";
import { MAX_SEEDS, parseSeedList } from "../../src/sweep/seed-list.js";
import { gridPoints, plannedRuns } from "../../src/sweep/sweep-grid.js";
import { tableHeaders, tableRows } from "../../src/sweep/sweep-markdown.js";

function summary(seed: number, tuned: Partial<RunSummary["tuned"]> = {}, converged: number | null = 20): RunSummary {
  const base = {
    throughputRps: 1000,
    p95LatencyMs: 10,
    cpuUtil: 0.5,
    memUtil: 0.5,
    monthlyCostUsd: 100,
    iops: 0,
    errorRate: 0,
  };
  return {
    seed,
    configHash: "c",
    traceHash: `t${seed}`,
    modelVersion: "m",
    baseline: base,
    tuned: { ...base, ...tuned },
    convergedAtMinutes: converged,
    rollbacks: seed % 3,
    kept: 2,
  };
}

const arbitrarySummary = fc
  .record({
    seed: fc.integer({ min: 0, max: 1_000_000 }),
    throughput: fc.double({ min: 1, max: 1e6, noNaN: true }),
    p95: fc.double({ min: 0.01, max: 1e4, noNaN: true }),
    cost: fc.double({ min: 1, max: 1e6, noNaN: true }),
    converged: fc.option(fc.integer({ min: 1, max: 100 }), { nil: null }),
  })
  .map((r) =>
    summary(r.seed, { throughputRps: r.throughput, p95LatencyMs: r.p95, monthlyCostUsd: r.cost }, r.converged),
  );

describe("seed lists", () => {
  it("reads ranges and lists, sorted; a seed listed twice is an error, not dropped", () => {
    expect(parseSeedList("1-4")).toEqual([1, 2, 3, 4]);
    expect(parseSeedList("7, 3,5-6")).toEqual([3, 5, 6, 7]);
    expect(() => parseSeedList("7, 3,5-6,3")).toThrow("seed 3 is listed twice in '7, 3,5-6,3'");
    expect(() => parseSeedList("1-5,4-8")).toThrow("seed 4 is listed twice");
    expect(parseSeedList("0")).toEqual([0]);
    for (const bad of ["", "a", "5-1", "1-", "-3", "1.5", `1-${MAX_SEEDS + 1}`])
      expect(() => parseSeedList(bad)).toThrow(RangeError);
  });

  it("every seed of every range is in the list, and nothing else (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 20 })), {
          minLength: 1,
          maxLength: 5,
        }),
        (ranges) => {
          const text = ranges.map(([a, n]) => (n === 0 ? `${a}` : `${a}-${a + n}`)).join(",");
          const all = ranges.flatMap(([a, n]) => Array.from({ length: n + 1 }, (_, i) => a + i));
          const expected = new Set(all);
          if (expected.size < all.length) expect(() => parseSeedList(text)).toThrow(/is listed twice/);
          else expect(parseSeedList(text)).toEqual([...expected].sort((x, y) => x - y));
        },
      ),
      { seed: 7 },
    );
  });
});

describe("the grid", () => {
  it("is every combination, the last axis fastest, seed by seed across points", () => {
    const points = gridPoints([
      { key: "a", texts: ["1", "2"] },
      { key: "b", texts: ["x", "y", "z"] },
    ]);
    expect(points.map((p) => p.label)).toEqual([
      "a=1, b=x",
      "a=1, b=y",
      "a=1, b=z",
      "a=2, b=x",
      "a=2, b=y",
      "a=2, b=z",
    ]);
    expect(points[4]?.choice).toEqual([1, 1]);
    expect(gridPoints([])).toEqual([{ index: 0, choice: [], values: {}, label: "as written" }]);
    const runs = plannedRuns(points.slice(0, 2), [5, 6]);
    expect(runs.map((r) => r.id)).toEqual(["p0-seed5", "p1-seed5", "p0-seed6", "p1-seed6"]);
  });
});

describe("sweep statistics", () => {
  it("statOf is meanWithInterval, and gives no interval for one value", () => {
    const values = [3, 5, 4, 8, 1];
    const e = meanWithInterval(values);
    expect(statOf(values)).toEqual({ mean: e.mean, halfWidth: e.halfWidth, lower: e.lower, upper: e.upper, n: 5 });
    expect(statOf([2])).toEqual({ mean: 2, halfWidth: null, lower: null, upper: null, n: 1 });
    expect(statOf([])).toBeNull();
  });

  it("a point's aggregate does not depend on the order runs finished in (property)", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(arbitrarySummary, { selector: (s) => s.seed, minLength: 1, maxLength: 12 }),
        fc.integer(),
        (runs, salt) => {
          const shuffled = [...runs].sort((a, b) => ((a.seed * 7919 + salt) % 101) - ((b.seed * 7919 + salt) % 101));
          expect(aggregatePoint("p", {}, shuffled)).toStrictEqual(aggregatePoint("p", {}, runs));
        },
      ),
      { seed: 11 },
    );
  });

  it("convergence time averages only the runs that converged", () => {
    const point = aggregatePoint("p", {}, [summary(1, {}, 10), summary(2, {}, null), summary(3, {}, 30)]);
    expect(point.metrics.convergenceMinutes?.mean).toBe(20);
    expect(point.metrics.convergenceMinutes?.n).toBe(2);
    expect(point.metrics.throughputChangePct?.mean).toBe(0);
    // The table says how many runs the mean is over when not all of them have it.
    const row = tableRows([point])[0] ?? [];
    expect(row[1]).toBe("3");
    expect(row[tableHeaders().indexOf("convergence time (min)")]).toBe("20.00 ± 127.06 (2 of 3)");
    const one = aggregatePoint("q", {}, [summary(1, {}, 10), summary(2, {}, null)]);
    expect(tableRows([one])[0]?.[tableHeaders().indexOf("convergence time (min)")]).toBe("10.00 (1 of 2)");
    expect(tableRows([one])[0]?.[tableHeaders().indexOf("throughput change (%)")]).toBe("0.00 ± 0.00");
  });
});

describe("policy comparison", () => {
  it("pairs runs by seed and names the policy with the significantly higher service score", () => {
    const a = [1, 2, 3, 4, 5, 6].map((seed) => summary(seed, { throughputRps: 1000 + seed * 10 }));
    const b = [6, 5, 4, 3, 2, 1].map((seed) => summary(seed, { throughputRps: 1100 + seed * 10 + (seed % 2) }));
    const result = comparePolicies(a, b, ["careful", "eager"]);
    expect(result.seeds).toEqual([1, 2, 3, 4, 5, 6]);
    expect(result.winner).toBe("B");
    expect(result.verdict).toMatch(/^eager wins/);
    const throughput = result.metrics.find((m) => m.key === "throughputRps");
    expect(throughput?.difference?.mean).toBeCloseTo(100.5, 9);
    expect(throughput?.better).toBe("B");
    expect(comparePolicies(b, a, ["eager", "careful"]).winner).toBe("A");
  });

  it("finds no winner when the difference could be zero, and says when seeds are too few", () => {
    const a = [1, 2, 3, 4].map((seed) => summary(seed));
    const b = [1, 2, 3, 4].map((seed) => summary(seed, { throughputRps: seed % 2 === 0 ? 1010 : 990 }));
    const result = comparePolicies(a, b, ["A", "B"]);
    expect(result.winner).toBeNull();
    expect(result.verdict).toMatch(/^no significant difference/);
    expect(comparePolicies([summary(1)], [summary(1)], ["A", "B"]).verdict).toMatch(/too few seeds/);
  });

  it("counts the runs that converged under each policy, and names the better one only when the split is significant", () => {
    const seeds = [1, 2, 3, 4, 5, 6];
    const a = seeds.map((seed) => summary(seed, {}, 20));
    const bSometimes = seeds.map((seed) => summary(seed, {}, seed === 1 ? 25 : null));
    const few = comparePolicies(a.slice(0, 3), bSometimes.slice(0, 3), ["A", "B"]);
    // 1 of 3 against 3 of 3: the time compares a single seed, and two discordant seeds prove nothing.
    expect(few.converged).toEqual({ a: 3, b: 1, both: 1, runs: 3, better: null });
    expect(few.metrics.find((m) => m.key === "convergenceMinutes")?.difference?.n).toBe(1);
    const never = seeds.map((seed) => summary(seed, {}, null));
    // Six seeds where only A converged: p = 2/64 < 5%.
    expect(comparePolicies(a, never, ["A", "B"]).converged).toEqual({ a: 6, b: 0, both: 0, runs: 6, better: "A" });
    expect(comparePolicies(never, a, ["A", "B"]).converged.better).toBe("B");
  });
});

describe("sign test", () => {
  it("matches the binomial tail: 2 * P(X <= k) for X ~ Binomial(n, 1/2)", () => {
    expect(signTestPValue(0, 5)).toBeCloseTo(2 / 32, 12);
    expect(signTestPValue(0, 6)).toBeCloseTo(2 / 64, 12);
    expect(signTestPValue(1, 10)).toBeCloseTo((2 * 11) / 1024, 12);
    expect(signTestPValue(9, 10)).toBeCloseTo((2 * 11) / 1024, 12);
    expect(signTestPValue(5, 10)).toBe(1);
    expect(signTestPValue(0, 0)).toBe(1);
    // Large n: no underflow of 2^-n. A tie is p = 1; 540 of 1,200 is p ≈ 0.0005 (normal
    // approximation with continuity correction: z = 59.5 / sqrt(300) = 3.44).
    expect(signTestPValue(600, 1200)).toBe(1);
    expect(signTestPValue(538, 1075)).toBeCloseTo(1, 1);
    expect(signTestPValue(540, 1200)).toBeGreaterThan(0.0003);
    expect(signTestPValue(540, 1200)).toBeLessThan(0.0008);
    expect(signTestPValue(0, 2000)).toBeGreaterThanOrEqual(0);
    expect(() => signTestPValue(3, 2)).toThrow(RangeError);
  });
});
