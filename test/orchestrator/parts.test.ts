import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { abVerdict, type SloSample, significantDifference } from "../../src/orchestrator/ab-test.js";
import { ConvergenceTracker } from "../../src/orchestrator/convergence.js";
import { gradualStep } from "../../src/orchestrator/gradual-step.js";
import { KnobTracker } from "../../src/orchestrator/knob-tracker.js";
import { DEFAULT_ORCHESTRATOR_CONFIG } from "../../src/orchestrator/orchestrator-config.js";

const sample = (throughputRps: number, p95LatencyMs: number, errorRate = 0): SloSample => ({
  throughputRps,
  p95LatencyMs,
  errorRate,
});

describe("the seed document's orchestrator configuration", () => {
  it("is the default: 5-minute interval, 30-minute target, 5 in flight, 10-minute validation, 10% threshold, safe, gradual, rollback", () => {
    expect(DEFAULT_ORCHESTRATOR_CONFIG).toMatchObject({
      tuningIntervalMs: 5 * 60_000,
      convergenceTargetMs: 30 * 60_000,
      maxConcurrentTuning: 5,
      validationPeriodMs: 10 * 60_000,
      degradationThreshold: 0.1,
      convergenceThreshold: 0.01,
      safeTuning: true,
      gradualChanges: true,
      autoRollback: true,
      oscillationLimit: 3,
      failureLimit: 3,
    });
  });
});

describe("A/B verdicts", () => {
  it("a 20% higher p95 with little noise is a degradation; noise alone is not", () => {
    const before = [10, 10.2, 9.8, 10.1, 9.9, 10, 10.3, 9.7].map((p95) => sample(1000, p95));
    const worse = before.map((s) => sample(s.throughputRps, s.p95LatencyMs * 1.2));
    expect(abVerdict(before, worse, 0.1, true).degraded).toBe(true);
    expect(abVerdict(before, worse, 0.1, false).degraded).toBe(true);
    const noisy = before.map((s, i) => sample(s.throughputRps, s.p95LatencyMs * (i % 2 === 0 ? 1.3 : 0.75)));
    expect(abVerdict(before, noisy, 0.1, false).degraded).toBe(false);
  });

  it("a mean 15% worse is not a degradation while the test cannot tell it from noise", () => {
    const before = [10, 10.2, 9.8, 10.1, 9.9, 10, 10.3, 9.7].map((p95) => sample(1000, p95));
    const noisy = before.map((s, i) => sample(s.throughputRps, s.p95LatencyMs * (i % 2 === 0 ? 1.6 : 0.7)));
    for (const paired of [true, false]) {
      const verdict = abVerdict(before, noisy, 0.1, paired);
      const p95 = verdict.metrics.find((m) => m.metric === "p95LatencyMs");
      expect(p95?.worsening).toBeGreaterThan(0.1); // over the threshold on the means...
      expect(p95?.significant).toBe(false); // ...but not significant at 5%
      expect(verdict.degraded).toBe(false);
    }
  });

  it("throughput 20% lower is a degradation on its own", () => {
    const before = [1000, 1010, 990, 1005, 995, 1000, 1008, 992].map((x) => sample(x, 10));
    const slower = before.map((s) => sample(s.throughputRps * 0.8, s.p95LatencyMs));
    expect(abVerdict(before, slower, 0.1, true).degraded).toBe(true);
    expect(abVerdict(before, slower, 0.1, false).degraded).toBe(true);
  });

  it("identical samples never degrade and a significant gain is reported as impact (property)", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            x: fc.double({ min: 100, max: 2000, noNaN: true }),
            p: fc.double({ min: 1, max: 100, noNaN: true }),
          }),
          { minLength: 3, maxLength: 12 },
        ),
        (rows) => {
          const samples = rows.map((r) => sample(r.x, r.p));
          expect(abVerdict(samples, samples, 0.1, true).degraded).toBe(false);
          expect(abVerdict(samples, samples, 0.1, false).degraded).toBe(false);
          const better = samples.map((s) => sample(s.throughputRps * 1.3, s.p95LatencyMs));
          expect(abVerdict(samples, better, 0.1, true).impact).toBeCloseTo(0.3, 6);
        },
      ),
    );
    expect(significantDifference([1], [2], false)).toBe(false);
  });

  it("the tests decide at the 5% level, as scipy's ttest_rel and Welch's ttest_ind do on the same data", () => {
    // p-values from scipy 1.17.1 (stats.ttest_rel; stats.ttest_ind with equal_var=False).
    const before = [10, 14, 8, 12, 16, 7, 11, 13];
    const noise = [0.1, -0.1, 0.05, -0.05, 0.1, -0.1, 0, 0.02];
    const after = before.map((x, i) => x * 1.15 + (noise[i] as number));
    // Paired p = 1.9e-5, Welch p = 0.31: pairing removes the spread between samples.
    expect(significantDifference(before, after, true)).toBe(true);
    expect(significantDifference(before, after, false)).toBe(false);
    const a = [10, 10.2, 9.8, 10.1, 9.9, 10, 10.3, 9.7];
    const just = (fourth: number) =>
      a.map((x, i) => x * ([1.35, 0.95, 1.3, fourth, 1.25, 0.98, 1.2, 1.02][i] as number));
    // Paired p = 0.0541, Welch p = 0.0520 (Welch's degrees of freedom, 7.2 here: with the pooled
    // 14, p would be 0.036): not significant.
    expect(significantDifference(a, just(1), true)).toBe(false);
    expect(significantDifference(a, just(1), false)).toBe(false);
    // Paired p = 0.0483, Welch p = 0.0464: significant.
    expect(significantDifference(a, just(1.02), true)).toBe(true);
    expect(significantDifference(a, just(1.02), false)).toBe(true);
  });

  it("one workload's P95 30% worse degrades the change, though the service as a whole gains", () => {
    const noise = [0, 0.2, -0.2, 0.1, -0.1, 0.3, -0.3, 0];
    const at = (i: number, web: number, api: number, total: number): SloSample => ({
      ...sample(total + (noise[i] as number), 10 + (noise[i] as number)),
      workloads: {
        web: { throughputRps: total - 100, p95LatencyMs: web + (noise[i] as number) },
        api: { throughputRps: 100, p95LatencyMs: api + (noise[i] as number) },
      },
    });
    const before = noise.map((_, i) => at(i, 10, 10, 1000));
    // The web VM serves 5% more at the same P95; the API VM's P95 goes from 10 to 13 ms.
    const after = noise.map((_, i) => at(i, 10, 13, 1050));
    const verdict = abVerdict(before, after, 0.1, true);
    expect(verdict.degraded).toBe(true);
    const worst = verdict.metrics.filter((m) => m.significant && m.worsening > 0.1);
    expect(worst.map((m) => `${m.scope} ${m.metric}`)).toEqual(["api p95LatencyMs"]);
    expect(worst[0]?.worsening).toBeCloseTo(0.3, 6);
    // The service's own figures improved: its impact is the 5% throughput gain.
    expect(verdict.impact).toBeCloseTo(0.05, 3);
  });

  it("a rise of the error rate beyond a tenth of the threshold, in points, is a degradation", () => {
    const before = Array.from({ length: 6 }, (_, i) => sample(1000, 10, 0.001 * (i % 2)));
    const after = Array.from({ length: 6 }, (_, i) => sample(1000, 10, 0.05 + 0.001 * (i % 2)));
    expect(abVerdict(before, after, 0.1, true).metrics.find((m) => m.metric === "errorRate")?.worsening).toBeCloseTo(
      0.05,
      6,
    );
    expect(abVerdict(before, after, 0.1, true).degraded).toBe(true);
  });
});

describe("knob tracker", () => {
  it("a rolled-back change is cancelled, not a move back: reverted again and again it fails, it does not oscillate", () => {
    // Limits far apart, so the two rules cannot be mistaken for each other.
    const tracker = new KnobTracker(2, 5);
    const reasons: (string | undefined)[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      reasons.push(tracker.moved("k", 128, 4096));
      tracker.undone("k");
      reasons.push(tracker.failed("k", 128));
    }
    expect(reasons.filter((r) => r !== undefined)).toEqual(["disabled after 5 failures in a row"]);
    expect(reasons.at(-1)).toBe("disabled after 5 failures in a row");
  });

  it("freezes a knob that moved back and forth three times", () => {
    const tracker = new KnobTracker(3, 3);
    expect(tracker.moved("k", "a", "b")).toBeUndefined();
    expect(tracker.moved("k", "b", "a")).toBeUndefined();
    expect(tracker.moved("k", "a", "b")).toBeUndefined();
    expect(tracker.moved("k", "b", "a")).toMatch(/oscillating/);
    expect(tracker.blocked("k")).toMatch(/oscillating/);
    expect(tracker.blocked("other")).toBeUndefined();
  });

  it("disables a knob after three failures in a row; a success resets the count", () => {
    const tracker = new KnobTracker(3, 3);
    tracker.failed("k", 1);
    tracker.failed("k", 1);
    tracker.succeeded("k");
    tracker.failed("k", 1);
    tracker.failed("k", 1);
    expect(tracker.blocked("k")).toBeUndefined();
    expect(tracker.failed("k", 1)).toMatch(/disabled after 3 failures/);
  });
});

describe("gradual steps", () => {
  it("numeric knobs move by at most the factor per step and reach the target (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1 << 26 }), fc.integer({ min: 1, max: 1 << 26 }), (from, to) => {
        let current = from;
        for (let i = 0; i < 40 && current !== to; i++) {
          const next = gradualStep("read-ahead-kb", current, to, 4) as number;
          expect(next / current).toBeLessThanOrEqual(4 + 1e-9);
          expect(current / next).toBeLessThanOrEqual(4 + 1e-9);
          current = next;
        }
        expect(current).toBe(to);
      }),
    );
    expect(gradualStep("tcp-rmem", [4096, 131072, 6291456], [4096, 131072, 134217728], 4)).toEqual([
      4096, 131072, 25165824,
    ]);
    expect(gradualStep("io-scheduler", "mq-deadline", "none", 4)).toBe("none");
    expect(gradualStep("tcp-sack", 0, 1, 4)).toBe(1);
  });
});

describe("convergence", () => {
  it("converges once a window improves by less than the threshold with nothing in flight", () => {
    const tracker = new ConvergenceTracker(1);
    tracker.add(0, 5, 100, false);
    tracker.add(5, 10, 115, false);
    tracker.add(10, 15, 115.5, false);
    expect(tracker.convergedAtMin).toBeUndefined();
    tracker.add(15, 20, 115.6, true);
    expect(tracker.convergedAtMin).toBe(20);
    expect(tracker.confirmed).toBe(false);
    // A quiet window whose score moved with the load changes nothing: still converged at 20.
    tracker.add(20, 25, 118, true);
    expect(tracker.convergedAtMin).toBe(20);
    // A later window in which something was applied: it had not converged after all.
    tracker.add(20, 25, 125, false);
    expect(tracker.convergedAtMin).toBeUndefined();
    tracker.add(25, 30, 125.2, true);
    expect(tracker.convergedAtMin).toBe(30);
    expect(tracker.confirmed).toBe(false);
    tracker.add(30, 35, 125.2, true);
    expect(tracker.convergedAtMin).toBe(30);
    expect(tracker.confirmed).toBe(true);
    expect(tracker.windows.map((w) => Math.round(w.improvementPct))).toEqual([0, 15, 0, 0, 2, 6, 0, 0]);
  });

  it("a window with a change in flight is not quiet, whatever its improvement", () => {
    const tracker = new ConvergenceTracker(1);
    tracker.add(0, 5, 100, true);
    tracker.add(5, 10, 100, true);
    expect(tracker.convergedAtMin).toBe(10);
    tracker.add(10, 15, 100, false);
    expect(tracker.convergedAtMin).toBeUndefined();
  });
});
