import { describe, expect, it } from "vitest";
import { Simulation } from "../../sim/kernel.js";
import { CpuScheduler, type RunningPhase } from "../../sim/twin/cpu-scheduler.js";
import type { Cpu } from "../../src/backend.js";

const MS = 1e6;

/** CPUs on one node and one L3; `cores` lists each core's logical CPUs. */
function cpus(cores: number[][]): Cpu[] {
  return cores.flatMap((siblings, core) =>
    siblings.map((id) => ({ id, node: 0, packageId: 0, coreId: core, siblings })),
  );
}

/** Runs phases of `work` ms, each started at `at` ms with its affinity, and returns when each ended (ms). */
function endTimes(
  topology: Cpu[],
  pairThroughput: number,
  phases: { at: number; work: number; allowed: number[]; stall?: number }[],
  affinityChanges: { at: number; phase: number; allowed: number[] }[] = [],
): number[] {
  const sim = new Simulation();
  const scheduler = new CpuScheduler(topology, () => 0, pairThroughput, sim);
  const ended: number[] = new Array(phases.length).fill(Number.NaN);
  const onEnd = (phase: RunningPhase) => {
    scheduler.end(phase, sim.now);
    ended[running.indexOf(phase)] = sim.now / MS;
  };
  const running: RunningPhase[] = phases.map((spec) => ({
    cpu: -1,
    cpuWorkMs: spec.work,
    stallWorkMs: spec.stall ?? 0,
    progress: 0,
    since: 0,
    wallNs: 0,
    endHandle: -1,
    affinity: { allowedCpus: spec.allowed },
    onEnd,
  }));
  phases.forEach((spec, i) => {
    sim.at(spec.at * MS, () => {
      const phase = running[i] as RunningPhase;
      phase.cpu = scheduler.place(phase.affinity.allowedCpus, -1, sim.now).cpu;
      scheduler.start(phase, sim.now);
    });
  });
  for (const change of affinityChanges)
    sim.at(change.at * MS, () => {
      (running[change.phase] as RunningPhase).affinity = { allowedCpus: change.allowed };
      scheduler.affinityChanged(sim.now);
    });
  sim.run();
  return ended;
}

describe("CpuScheduler time sharing", () => {
  it("shares one CPU as processor sharing: 10 ms and 2 ms of work started together end at 12 and 4 ms", () => {
    const ends = endTimes(cpus([[0]]), 1.25, [
      { at: 0, work: 10, allowed: [0] },
      { at: 0, work: 2, allowed: [0] },
    ]);
    expect(ends[1]).toBeCloseTo(4, 6);
    expect(ends[0]).toBeCloseTo(12, 6);
  });

  it("slows a running phase when a thread joins its CPU and speeds it up when that thread leaves", () => {
    // A: 5 ms alone, then half speed beside B. B's 10 ms: 5 done by 15, when A ends, then 5 alone.
    const ends = endTimes(cpus([[0]]), 1.25, [
      { at: 0, work: 10, allowed: [0] },
      { at: 5, work: 10, allowed: [0] },
    ]);
    expect(ends[0]).toBeCloseTo(15, 6);
    expect(ends[1]).toBeCloseTo(20, 6);
  });

  it("stretches memory stalls by the threads sharing the CPU, but not by a busy SMT sibling", () => {
    // Two phases of 2 ms instructions + 2 ms stalls share one CPU: each gets half of it, 8 ms.
    const shared = endTimes(cpus([[0]]), 1.25, [
      { at: 0, work: 2, stall: 2, allowed: [0] },
      { at: 0, work: 2, stall: 2, allowed: [0] },
    ]);
    expect(shared[0]).toBeCloseTo(8, 6);
    expect(shared[1]).toBeCloseTo(8, 6);
    // On two siblings (pair 1.2, each at 0.6): 2 / 0.6 + 2 ms.
    const siblings = endTimes(cpus([[0, 1]]), 1.2, [
      { at: 0, work: 2, stall: 2, allowed: [0] },
      { at: 0, work: 2, stall: 2, allowed: [1] },
    ]);
    expect(siblings[0]).toBeCloseTo(2 / 0.6 + 2, 6);
  });

  it("slows a phase while its SMT sibling is busy (pair throughput 1.2: each thread at 0.6)", () => {
    // A runs 5 ms alone; B starts on the sibling. A's last 5 ms at 0.6 take 8.33 ms (ends 13.33);
    // B has then done 8.33 x 0.6 = 5 ms, and its last 5 run alone.
    const ends = endTimes(cpus([[0, 1]]), 1.2, [
      { at: 0, work: 10, allowed: [0] },
      { at: 5, work: 10, allowed: [1] },
    ]);
    expect(ends[0]).toBeCloseTo(5 + 5 / 0.6, 6);
    expect(ends[1]).toBeCloseTo(5 + 5 / 0.6 + 5, 6);
  });

  it("an idle CPU pulls a thread from a time-shared one, so no CPU idles while another has a queue", () => {
    // Two cores. A (10 ms) and B (1 ms) take one each; C (10 ms) joins A's CPU at 0.5 ms. When B
    // ends at 1 ms its CPU pulls one of A and C; from then each runs alone.
    // A: 0.5 ms alone + 0.25 ms at half speed = 0.75 done at 1 ms, ends at 10.25.
    // C: 0.25 done at 1 ms, ends at 10.75. Without the pull they would share until 19.5 and 20.
    const ends = endTimes(cpus([[0], [1]]), 1.25, [
      { at: 0, work: 10, allowed: [0, 1] },
      { at: 0, work: 1, allowed: [0, 1] },
      { at: 0.5, work: 10, allowed: [0, 1] },
    ]);
    expect(ends[1]).toBeCloseTo(1, 6);
    expect(ends[0]).toBeCloseTo(10.25, 6);
    expect(ends[2]).toBeCloseTo(10.75, 6);
  });

  it("does not pull a thread whose affinity excludes the idle CPU", () => {
    const ends = endTimes(cpus([[0], [1]]), 1.25, [
      { at: 0, work: 10, allowed: [0] },
      { at: 0, work: 1, allowed: [1] },
      { at: 0.5, work: 10, allowed: [0] },
    ]);
    // A and C share CPU 0 from 0.5 ms: A ends at 0.5 + 2 x 9.5 = 19.5, C at 20.
    expect(ends[0]).toBeCloseTo(19.5, 6);
    expect(ends[2]).toBeCloseTo(20, 6);
  });

  it("a CPU made shared hands a thread to an idle CPU it may run on (VMs of different affinities)", () => {
    // A (allowed on both) starts on CPU 0; B, pinned to CPU 0, joins at 1 ms. CPU 1 is idle and A
    // may run there, so A moves: A ends at 10 ms, B at 11. Kept together they would end at 19, 20.
    const ends = endTimes(cpus([[0], [1]]), 1.25, [
      { at: 0, work: 10, allowed: [0, 1] },
      { at: 1, work: 10, allowed: [0] },
    ]);
    expect(ends[0]).toBeCloseTo(10, 6);
    expect(ends[1]).toBeCloseTo(11, 6);
  });

  it("reads a thread's affinity when it may move, so a change made while it runs counts", () => {
    // B holds CPU 1 until 1 ms; A and C share CPU 0 from 0.5 ms. At 0.8 ms A is pinned to CPU 0,
    // so when CPU 1 goes idle it has no thread to pull: A ends at 19.5 ms, C at 20 (A pulled
    // would end at 10.25).
    const ends = endTimes(
      cpus([[0], [1]]),
      1.25,
      [
        { at: 0, work: 10, allowed: [0, 1] },
        { at: 0, work: 1, allowed: [1] },
        { at: 0.5, work: 10, allowed: [0] },
      ],
      [{ at: 0.8, phase: 0, allowed: [0] }],
    );
    expect(ends[1]).toBeCloseTo(1, 6);
    expect(ends[0]).toBeCloseTo(19.5, 6);
    expect(ends[2]).toBeCloseTo(20, 6);
  });

  it("a thread whose affinity is widened while it shares a CPU moves to an idle CPU it may now use", () => {
    // A and B pinned to CPU 0 share it; at 1 ms B may use CPU 1 too and moves there. Each has done
    // 0.5 ms by then and runs its last 9.5 ms alone: both end at 10.5 ms, not 20.
    const ends = endTimes(
      cpus([[0], [1]]),
      1.25,
      [
        { at: 0, work: 10, allowed: [0] },
        { at: 0, work: 10, allowed: [0] },
      ],
      [{ at: 1, phase: 1, allowed: [0, 1] }],
    );
    expect(ends[0]).toBeCloseTo(10.5, 6);
    expect(ends[1]).toBeCloseTo(10.5, 6);
  });
});
