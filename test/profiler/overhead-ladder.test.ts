import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nextLevel, overheadLadder, type ProfilerLevel, RECOVER_AFTER } from "../../src/profiler/overhead-ladder.js";

describe("overhead ladder", () => {
  it("sheds heap first, then rate, then duty cycle, never adding cost on the way down", () => {
    const ladder = overheadLadder(100, true);
    expect(ladder).toEqual([
      { heap: true, hz: 100, duty: 1 },
      { heap: false, hz: 100, duty: 1 },
      { heap: false, hz: 50, duty: 1 },
      { heap: false, hz: 20, duty: 1 },
      { heap: false, hz: 20, duty: 0.5 },
      { heap: false, hz: 20, duty: 0.25 },
      { heap: false, hz: 20, duty: 0.1 },
    ]);
    // Without heap sampling the first two levels are the same and collapse into one.
    expect(overheadLadder(100, false)[0]).toEqual({ heap: false, hz: 100, duty: 1 });
    expect(overheadLadder(100, false)).toHaveLength(6);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.boolean(), (hz, heap) => {
        const levels = overheadLadder(hz, heap);
        for (let k = 1; k < levels.length; k++) {
          const up = levels[k - 1] as ProfilerLevel;
          const down = levels[k] as ProfilerLevel;
          expect(down.hz * down.duty).toBeLessThanOrEqual(up.hz * up.duty);
          expect(Number(down.heap)).toBeLessThanOrEqual(Number(up.heap));
          expect(JSON.stringify(down)).not.toBe(JSON.stringify(up));
        }
      }),
      { seed: 1, numRuns: 200 },
    );
  });

  it("steps down when over target, up only after enough calm windows, and stays in range (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 0.1, noNaN: true }), { maxLength: 60 }), (overheads) => {
        const target = 0.01;
        let state = { level: 0, calm: 0 };
        let calmRun = 0;
        for (const overhead of overheads) {
          const next = nextLevel(state, overhead, target, 7);
          expect(next.level).toBeGreaterThanOrEqual(0);
          expect(next.level).toBeLessThanOrEqual(6);
          if (overhead > target) expect(next.level).toBe(Math.min(6, state.level + 1));
          calmRun = overhead < target / 2 ? calmRun + 1 : 0;
          if (next.level < state.level) expect(calmRun).toBeGreaterThanOrEqual(RECOVER_AFTER);
          if (overhead <= target && next.level > state.level) throw new Error("stepped down without cause");
          if (next.level < state.level) calmRun = 0;
          state = next;
        }
      }),
      { seed: 11, numRuns: 500 },
    );
  });
});
