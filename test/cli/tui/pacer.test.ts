import { describe, expect, it } from "vitest";
import { Pacer, type PacerTimers, speedLabel } from "../../../src/cli/tui/pacer.js";

/** Timers on a hand-driven clock. */
class ManualTimers implements PacerTimers {
  time = 0;
  private timers: { at: number; callback: () => void; live: boolean }[] = [];

  now(): number {
    return this.time;
  }

  after(ms: number, callback: () => void): () => void {
    const timer = { at: this.time + ms, callback, live: true };
    this.timers.push(timer);
    return () => {
      timer.live = false;
    };
  }

  /** Moves the clock on by `ms`, firing due timers in order. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.live && t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      this.time = due.at;
      due.live = false;
      due.callback();
      await Promise.resolve();
    }
    this.time = end;
    await Promise.resolve();
  }
}

const MIN = 60_000;

function tracked(promise: Promise<void>): { done: boolean } {
  const state = { done: false };
  void promise.then(() => {
    state.done = true;
  });
  return state;
}

describe("the pacer (simulated minutes per wall second)", () => {
  it("lets the simulation past a minute after 1/speed seconds, not before", async () => {
    const timers = new ManualTimers();
    const pacer = new Pacer(2, timers);
    const step = tracked(pacer.wait(MIN));
    await timers.advance(499);
    expect(step.done).toBe(false);
    await timers.advance(1);
    expect(step.done).toBe(true);
  });

  it("holds the simulation while paused, and resumes where it stood", async () => {
    const timers = new ManualTimers();
    const pacer = new Pacer(1, timers);
    const step = tracked(pacer.wait(MIN));
    await timers.advance(400);
    pacer.togglePause();
    await timers.advance(60_000);
    expect(step.done).toBe(false);
    expect(pacer.clock()).toBeCloseTo(0.4 * MIN);
    pacer.togglePause();
    await timers.advance(599);
    expect(step.done).toBe(false);
    await timers.advance(1);
    expect(step.done).toBe(true);
  });

  it("changes speed mid-step without losing the time already run", async () => {
    const timers = new ManualTimers();
    const pacer = new Pacer(1, timers);
    const step = tracked(pacer.wait(2 * MIN));
    await timers.advance(1000); // one simulated minute at 1 min/s
    pacer.faster(); // 2 min/s: the second minute takes half a second
    expect(pacer.speed).toBe(2);
    await timers.advance(499);
    expect(step.done).toBe(false);
    await timers.advance(1);
    expect(step.done).toBe(true);
  });

  it("does not bank credit while the simulation is slower than the speed", async () => {
    const timers = new ManualTimers();
    const pacer = new Pacer(2, timers);
    await timers.advance(10_000); // the simulation took 10 s to compute its first minute
    const first = tracked(pacer.wait(MIN));
    await Promise.resolve();
    expect(first.done).toBe(true);
    const second = tracked(pacer.wait(2 * MIN));
    await timers.advance(499);
    expect(second.done).toBe(false);
    await timers.advance(1);
    expect(second.done).toBe(true);
  });

  it("at max speed never holds the simulation, and slows down again from where it is", async () => {
    const timers = new ManualTimers();
    const pacer = new Pacer(Number.POSITIVE_INFINITY, timers);
    expect(speedLabel(pacer.speed)).toBe("max speed");
    const step = tracked(pacer.wait(30 * MIN));
    await Promise.resolve();
    expect(step.done).toBe(true);
    pacer.slower();
    expect(pacer.speed).toBe(60);
    const next = tracked(pacer.wait(31 * MIN));
    await timers.advance(16);
    expect(next.done).toBe(false);
    await timers.advance(1);
    expect(next.done).toBe(true);
  });

  it("stops at the slowest and fastest speed and tells listeners of each change", () => {
    const pacer = new Pacer(0.25, new ManualTimers());
    const seen: string[] = [];
    pacer.onChange(() => seen.push(`${pacer.isPaused ? "paused" : "running"} ${speedLabel(pacer.speed)}`));
    pacer.slower();
    pacer.faster();
    pacer.togglePause();
    expect(seen).toEqual(["running 0.5 min/s", "paused 0.5 min/s"]);
  });
});
