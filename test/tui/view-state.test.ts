import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { displayStatus } from "../../tui/component-status.js";
import type { FeedUpdate } from "../../tui/feed.js";
import { initialViewState, reduceView, type ViewState } from "../../tui/view-state.js";
import { event, sample, TWIN_INFO, twinRun } from "./feed-fixture.js";

function fold(updates: readonly FeedUpdate[], info = TWIN_INFO): ViewState {
  return updates.reduce(reduceView, initialViewState(info));
}

function component(state: ViewState, name: string) {
  const found = state.components.find((c) => c.name === name);
  if (found === undefined) throw new Error(`no component ${name}`);
  return found;
}

describe("the view state (a pure fold of the feed)", () => {
  it("takes the baseline from the samples before the first change and 'now' from the latest interval", () => {
    const state = fold(twinRun());
    expect(state.baseline?.throughputRps).toBe(2000);
    expect(state.baseline?.p95LatencyMs).toBe(20);
    expect(state.baseline?.cpuUtilization).toBeCloseTo(0.8);
    expect(state.now?.throughputRps).toBe(2500);
    expect(state.now?.p95LatencyMs).toBe(14);
  });

  it("follows each component: validating after an apply, then kept or rolled back, frozen when held", () => {
    const updates = twinRun();
    const cut = updates.findIndex((u) => u.type === "event" && u.event.action === "keep");
    const midway = fold(updates.slice(0, cut));
    expect(displayStatus(component(midway, "numa"))).toBe("validating");
    expect(component(midway, "numa").validating).toHaveLength(2);
    expect(displayStatus(component(midway, "io"))).toBe("validating");
    expect(displayStatus(component(midway, "cpu-pinning"))).toBe("idle");

    const end = fold(updates);
    expect(displayStatus(component(end, "numa"))).toBe("kept");
    expect(component(end, "numa").kept).toBe(2);
    expect(displayStatus(component(end, "io"))).toBe("rolled back");
    expect(component(end, "io").rolledBack).toBe(1);
    expect(component(end, "io").lastChange).toBe("io-scheduler sda mq-deadline → bfq");
    const held = fold([
      ...updates,
      event(26, "numa", "freeze", { knob: "cpu-affinity", target: "web-1" }, { reason: "oscillating" }),
    ]);
    expect(displayStatus(component(held, "numa"))).toBe("frozen");
  });

  it("keeps every event in the history, with rollbacks flagged and measured impacts in percent", () => {
    const state = fold(twinRun());
    expect(state.history).toHaveLength(8);
    const rollback = state.history.find((e) => e.rolledBack);
    expect(rollback).toMatchObject({ min: 15, component: "io", action: "revert" });
    expect(rollback?.impactPct).toBeCloseTo(-14);
    expect(state.history.find((e) => e.action === "apply")?.impactPct).toBeUndefined();
    expect(state.windows.map((w) => w.improvementPct)).toEqual([0, 18.5, 4.2, 0.6, 0.2]);
    expect(state.convergedAtMin).toBe(25);
    expect(state.nowMin).toBe(25);
  });

  it("forgets the converged point when the orchestrator says it was premature", () => {
    const state = fold([...twinRun(), { type: "converged", atMinutes: null }]);
    expect(state.convergedAtMin).toBeUndefined();
  });

  it("calls a change the run ended on before its verdict 'not judged', not 'validating'", () => {
    const state = fold([
      { type: "started", startTime: 0 },
      event(5, "io", "apply", { knob: "io-scheduler", target: "sda" }, { from: "none", to: "bfq" }),
      { type: "finished", converged: false, atMinutes: null, note: "" },
    ]);
    expect(displayStatus(component(state, "io"), state.finished !== undefined)).toBe("not judged");
  });

  it("a live view's applied changes stay 'applied' (nothing validates them) and snapshots set the figures", () => {
    const info = { ...TWIN_INFO, mode: "live apply" as const, validates: false, components: [] };
    const state = fold(
      [
        { type: "snapshot", label: "baseline", time: 1_000, metrics: { cpuUtilization: 0.3 } },
        event(0, "built-in io rules", "apply", { knob: "io-scheduler", target: "sda" }, { from: "bfq", to: "none" }),
        { type: "snapshot", label: "now", time: 2_000, metrics: { cpuUtilization: 0.25 } },
      ],
      info,
    );
    expect(displayStatus(component(state, "built-in io rules"))).toBe("applied");
    expect(state.baseline).toEqual({ cpuUtilization: 0.3 });
    expect(state.now).toEqual({ cpuUtilization: 0.25 });
  });

  it("never mutates the state it is given, and the history grows by one per event", () => {
    const arbitraryUpdate = fc.oneof(
      fc
        .record({ min: fc.integer({ min: 0, max: 60 }), tp: fc.integer({ min: 1, max: 5000 }) })
        .map(({ min, tp }) => sample(min, tp, 10)),
      fc
        .record({
          min: fc.integer({ min: 0, max: 60 }),
          component: fc.constantFrom("numa", "io", "network", "cost"),
          action: fc.constantFrom("apply", "keep", "revert", "skip", "freeze", "disable", "fail"),
          target: fc.constantFrom("web-1", "sda", "host"),
        })
        .map(({ min, component, action, target }) => event(min, component, action, { knob: "somaxconn", target })),
      fc
        .integer({ min: 0, max: 60 })
        .map((m): FeedUpdate => ({ type: "window", startMin: m, endMin: m + 5, improvementPct: 1, score: 1 })),
    );
    fc.assert(
      fc.property(fc.array(arbitraryUpdate, { maxLength: 60 }), (updates) => {
        let state = initialViewState(TWIN_INFO);
        for (const update of updates) {
          const frozen = JSON.stringify(state);
          const next = reduceView(state, update);
          expect(JSON.stringify(state)).toBe(frozen);
          state = next;
        }
        expect(state.history).toHaveLength(updates.filter((u) => u.type === "event").length);
        for (const c of state.components) {
          expect(c.kept).toBe(state.history.filter((e) => e.component === c.name && e.action === "keep").length);
          expect(c.validating.length).toBeGreaterThanOrEqual(0);
        }
      }),
      { seed: 8, numRuns: 200 },
    );
  });
});
