import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Simulation } from "../../sim/kernel.js";
import { URGENT } from "../../sim/sim-event.js";

describe("Simulation kernel", () => {
  it("dispatches by time, then priority, then insertion order", () => {
    const sim = new Simulation();
    const log: string[] = [];
    sim.schedule(10, () => log.push("b@10"));
    sim.schedule(5, () => log.push("a@5"));
    sim.schedule(10, () => log.push("c@10"));
    sim.schedule(10, () => log.push("urgent@10"), undefined, URGENT);
    sim.schedule(0, () => log.push("now"));
    sim.run();
    expect(log).toEqual(["now", "a@5", "urgent@10", "b@10", "c@10"]);
    expect(sim.now).toBe(10);
  });

  it("passes the argument and advances the clock to each entry's time", () => {
    const sim = new Simulation();
    const seen: [number, string][] = [];
    sim.schedule(7, (tag: string) => seen.push([sim.now, tag]), "x");
    sim.at(3, (tag: string) => seen.push([sim.now, tag]), "y");
    sim.run();
    expect(seen).toEqual([
      [3, "y"],
      [7, "x"],
    ]);
  });

  it("rejects delays that are negative, fractional or not numbers, and times in the past", () => {
    const sim = new Simulation();
    expect(() => sim.schedule(-1, () => {})).toThrow(RangeError);
    expect(() => sim.schedule(1.5, () => {})).toThrow(/integer/);
    expect(() => sim.schedule(Number.NaN, () => {})).toThrow(RangeError);
    sim.schedule(10, () => {});
    sim.run();
    expect(() => sim.at(5, () => {})).toThrow(/not before now/);
  });

  it("run({ until }) stops before entries at or after `until` and sets now to it", () => {
    const sim = new Simulation();
    const log: number[] = [];
    for (const t of [5, 10, 15]) sim.schedule(t, () => log.push(t));
    sim.run({ until: 10 });
    expect(log).toEqual([5]);
    expect(sim.now).toBe(10);
    sim.run({ until: 20 });
    expect(log).toEqual([5, 10, 15]);
    expect(sim.now).toBe(20);
    expect(() => sim.run({ until: 1 })).toThrow(RangeError);
  });

  it("peek and step expose the next live entry one at a time", () => {
    const sim = new Simulation();
    expect(sim.peek()).toBe(Number.POSITIVE_INFINITY);
    expect(sim.step()).toBe(false);
    const first = sim.schedule(4, () => {});
    sim.schedule(9, () => {});
    sim.cancel(first);
    expect(sim.peek()).toBe(9);
    expect(sim.step()).toBe(true);
    expect(sim.now).toBe(9);
    expect(sim.step()).toBe(false);
  });

  it("cancels lazily, once, and ignores stale handles whose slot was reused", () => {
    const sim = new Simulation();
    const log: string[] = [];
    const a = sim.schedule(1, () => log.push("a"));
    expect(sim.cancel(a)).toBe(true);
    expect(sim.cancel(a)).toBe(false);
    sim.run();
    const b = sim.schedule(1, () => log.push("b")); // reuses a's slot
    expect(sim.cancel(a)).toBe(false);
    sim.run();
    expect(log).toEqual(["b"]);
    expect(sim.cancel(b)).toBe(false);
  });

  it("compacts when most pending entries are cancelled, keeping the live ones in order", () => {
    const sim = new Simulation();
    const handles: number[] = [];
    const fired: number[] = [];
    for (let i = 0; i < 5000; i++) handles.push(sim.schedule(i + 1, (n: number) => fired.push(n), i));
    handles.forEach((handle, i) => {
      if (i % 10 !== 0) sim.cancel(handle);
    });
    expect(sim.pending).toBe(500);
    sim.run();
    expect(fired).toEqual(Array.from({ length: 500 }, (_, k) => k * 10));
    expect(sim.dispatched).toBe(500);
  });

  it("stop() ends the run after the current entry", () => {
    const sim = new Simulation();
    const log: number[] = [];
    sim.schedule(1, () => {
      log.push(1);
      sim.stop();
    });
    sim.schedule(2, () => log.push(2));
    sim.run();
    expect(log).toEqual([1]);
    sim.run();
    expect(log).toEqual([1, 2]);
  });

  it("an error thrown by a callback aborts the run with that error", () => {
    const sim = new Simulation();
    sim.schedule(1, () => {
      throw new Error("boom");
    });
    const after = { ran: false };
    sim.schedule(2, () => {
      after.ran = true;
    });
    expect(() => sim.run()).toThrow("boom");
    expect(after.ran).toBe(false);
  });

  it("the trace hash depends on what was dispatched, and is repeatable", () => {
    const trace = (times: number[]): number => {
      const sim = new Simulation();
      for (const t of times) sim.schedule(t, () => {});
      sim.run();
      return sim.traceHash;
    };
    fc.assert(
      fc.property(fc.array(fc.nat(1_000_000), { minLength: 1, maxLength: 50 }), (times) => {
        expect(trace(times)).toBe(trace(times));
        expect(trace([...times, 3])).not.toBe(trace(times));
      }),
    );
    expect(new Simulation().traceHashHex).toBe("811c9dc5");
  });

  it("separate simulations share no state", () => {
    const a = new Simulation();
    const b = new Simulation();
    a.schedule(5, () => {});
    a.run();
    expect(b.now).toBe(0);
    expect(b.pending).toBe(0);
    expect(b.traceHash).not.toBe(a.traceHash);
  });
});
