import { describe, expect, it } from "vitest";
import { SimBackend } from "../../sim/sim-backend.js";
import type { Change, KnobValue } from "../../src/backend.js";
import type { SloSample } from "../../src/orchestrator/ab-test.js";
import type { Comparison, Counterfactual } from "../../src/orchestrator/counterfactual.js";
import { Orchestrator } from "../../src/orchestrator/orchestrator.js";
import { loadScenario } from "../../src/scenario/load-scenario.js";
import type { Recommendation, Tuner } from "../../src/tuners/tuner.js";

const SMALL = new URL("../fixtures/scenarios/small-host.yaml", import.meta.url).pathname;

const samples = (throughputRps: number, p95LatencyMs = 10): SloSample[] =>
  Array.from({ length: 4 }, (_, i) => ({ throughputRps: throughputRps + (i % 2), p95LatencyMs, errorRate: 0 }));

const nr = (target: string, to: number, expectedImpact: number, component = "io"): Recommendation => ({
  component,
  knob: { knob: "nr-requests", target },
  to,
  expectedImpact,
  reasons: [target],
});

/** Records which single changes the twin was asked about, in order. */
abstract class Recording implements Counterfactual {
  readonly alone: string[] = [];
  async evaluate() {
    return { samples: samples(100), cost: 100 };
  }
  async compare(
    _state: ReadonlyMap<string, KnobValue>,
    changes: readonly Change[],
    _windowMs?: number,
  ): Promise<Comparison> {
    if (changes.length === 1) this.alone.push(`${changes[0]?.knob.target}=${changes[0]?.to}`);
    return { a: samples(100), ...this.after(changes), costA: 100, costB: 100 };
  }
  protected abstract after(changes: readonly Change[]): { b: SloSample[] };
}

function orchestrator(tuners: Tuner[], twin: Counterfactual, maxConcurrentTuning = 5) {
  return new Orchestrator(new SimBackend(loadScenario(SMALL)), tuners, {
    config: { tuningIntervalMs: 60_000, sampleMs: 30_000, maxConcurrentTuning },
    counterfactual: twin,
  });
}

describe("convergence after a revert", () => {
  it("a window whose configuration validation reverts is not a quiet one", async () => {
    // One change, promising in the 2-minute what-if, doubling P95 over the 2-minute validation.
    let rounds = 0;
    const tuner: Tuner = {
      component: "io",
      recommend: () => (++rounds === 1 ? [nr("sda", 32, 0.2)] : []),
    };
    class Twin extends Recording {
      validationWindowMs = 0;
      override async compare(state: ReadonlyMap<string, KnobValue>, changes: readonly Change[], windowMs: number) {
        this.validationWindowMs = windowMs;
        return super.compare(state, changes, windowMs);
      }
      protected after() {
        return { b: this.validationWindowMs === 180_000 ? samples(100, 20) : samples(110) };
      }
    }
    const o = new Orchestrator(new SimBackend(loadScenario(SMALL)), [tuner], {
      config: { tuningIntervalMs: 60_000, sampleMs: 30_000, validationPeriodMs: 180_000, whatIfWindowMs: 120_000 },
      counterfactual: new Twin(),
    });
    await o.initialize();
    for (let round = 0; round < 4; round++) await o.runOnce();
    expect(o.history().some((e) => e.rolledBack)).toBe(true);
    const revertedAt = (o.history().find((e) => e.rolledBack)?.time ?? 0) / 60_000;
    const window = o.convergence.windows.find((w) => w.endMin === revertedAt);
    expect(window?.idle).toBe(false);
    expect(o.convergence.convergedAtMin).not.toBe(revertedAt);
  });
});

describe("what-if priorities", () => {
  it("judges a deferred candidate first in the next round, ahead of better-estimated newcomers", async () => {
    // Round 1: sda and sdb each gain, together they double P95, so sdb is deferred. Round 2:
    // four newcomers with higher estimates than sdb's would fill the shortlist (1 + 3 places).
    let round = 0;
    const tuner: Tuner = {
      component: "io",
      recommend: () => {
        round++;
        const out = [nr("sda", 32, 0.3), nr("sdb", 32, 0.1)];
        if (round >= 2) for (const name of ["c1", "c2", "c3", "c4"]) out.push(nr(name, 32, 0.25));
        return out;
      },
    };
    class Twin extends Recording {
      protected after(changes: readonly Change[]) {
        const clash = changes.some((c) => c.knob.target === "sda") && changes.some((c) => c.knob.target === "sdb");
        return { b: clash ? samples(120, 20) : samples(110) };
      }
    }
    const twin = new Twin();
    const o = orchestrator([tuner], twin, 1);
    await o.initialize();
    await o.runOnce();
    expect(twin.alone).toEqual(["sda=32", "sdb=32"]);
    expect(o.history().find((e) => e.knob.target === "sdb")?.reason).toMatch(/deferred/);
    twin.alone.length = 0;
    await o.runOnce();
    expect(twin.alone[0]).toBe("sdb=32");
  });

  it("judges each component's value for the same knob and applies only the best", async () => {
    // Three values for sda: the best-estimated one loses on the twin, the other two gain.
    const bold: Tuner = { component: "io", recommend: () => [nr("sda", 1024, 0.5)] };
    const modest: Tuner = {
      component: "other",
      recommend: () => [nr("sda", 64, 0.1, "other"), nr("sda", 128, 0.05, "other")],
    };
    class Twin extends Recording {
      protected after(changes: readonly Change[]) {
        const to = changes.map((c) => c.to);
        return { b: to.includes(1024) ? samples(90) : to.includes(128) ? samples(120) : samples(110) };
      }
    }
    const twin = new Twin();
    const o = orchestrator([bold, modest], twin);
    await o.initialize();
    await o.runOnce();
    expect([...twin.alone].sort()).toEqual(["sda=1024", "sda=128", "sda=64"]);
    const applied = o.history().filter((e) => e.action === "apply");
    expect(applied.map((e) => e.to)).toEqual([128]);
    // The rejected value rests while the knobs stay as they are.
    const skipped = o.history().find((e) => e.to === 1024);
    expect(skipped?.action).toBe("skip");
    // A skipped change says what the knob keeps: the value the applied one started from.
    expect(skipped?.from).toBeDefined();
    expect(skipped?.from).toBe(applied[0]?.from);
    expect(o.history().find((e) => e.to === 64)?.reason).toMatch(/another value for nr-requests@sda predicts more/);
  });
});
