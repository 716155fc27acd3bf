import type { Cpu } from "../../src/backend.js";
import { TimeWeighted } from "../time-weighted.js";

/** Where a thread was placed and how fast it runs there, relative to a solo thread on an idle core. */
export interface Placement {
  cpu: number;
  speed: number;
  /** The placement moved the thread off its previous CPU: to another core or another L3. */
  migrated: "none" | "core" | "llc";
}

/**
 * The host's CPU scheduler as the twin sees it: places runnable vCPU threads on logical CPUs
 * within their affinity, the way Linux's wake-up path does (the previous CPU if idle, else an
 * idle core, else an idle SMT sibling, else the least loaded CPU, time-shared), and tells how
 * fast the thread will run: 1/k of the CPU when k threads share it, times pair/2 when the SMT
 * sibling is busy (a busy pair delivers `smtPairThroughput` of one thread; Intel's "up to 30%"
 * more, Marr et al., Intel Technology Journal 6(1), 2002).
 *
 * A thread's speed is fixed when it is placed; threads placed later do not slow it down (a
 * first-order approximation of processor sharing that keeps the event count per request small).
 */
export class CpuScheduler {
  private readonly occupancy: Int32Array;
  private readonly siblingsOf: number[][];
  private readonly llcOf: Int32Array;
  private readonly coreOf: Int32Array;
  private readonly nodeOf: Int32Array;
  /** Busy (occupancy > 0) per logical CPU over time. */
  readonly busy: TimeWeighted[];

  constructor(
    readonly cpus: readonly Cpu[],
    llcInstanceOf: (cpu: number) => number,
    readonly smtPairThroughput: number,
    now = 0,
  ) {
    const size = Math.max(...cpus.map((cpu) => cpu.id)) + 1;
    this.occupancy = new Int32Array(size);
    this.siblingsOf = Array.from({ length: size }, () => []);
    this.llcOf = new Int32Array(size).fill(-1);
    this.coreOf = new Int32Array(size).fill(-1);
    this.nodeOf = new Int32Array(size).fill(-1);
    for (const cpu of cpus) {
      this.siblingsOf[cpu.id] = cpu.siblings.filter((id) => id !== cpu.id);
      this.llcOf[cpu.id] = llcInstanceOf(cpu.id);
      this.coreOf[cpu.id] = cpu.coreId;
      this.nodeOf[cpu.id] = cpu.node;
    }
    this.busy = Array.from({ length: size }, () => new TimeWeighted(now, 0));
  }

  nodeOfCpu(cpu: number): number {
    return this.nodeOf[cpu] as number;
  }

  llcOfCpu(cpu: number): number {
    return this.llcOf[cpu] as number;
  }

  threadsOn(cpu: number): number {
    return this.occupancy[cpu] as number;
  }

  /**
   * Places a thread allowed on `allowed` CPUs (ascending ids), last run on `previous` (-1 if
   * never), and marks the CPU occupied until `release`.
   */
  place(allowed: readonly number[], previous: number, now: number): Placement {
    const cpu = this.choose(allowed, previous);
    const threads = (this.occupancy[cpu] as number) + 1;
    this.occupancy[cpu] = threads;
    if (threads === 1) (this.busy[cpu] as TimeWeighted).update(now, 1);
    const siblingBusy = (this.siblingsOf[cpu] as number[]).some((sibling) => (this.occupancy[sibling] as number) > 0);
    const smt = siblingBusy ? this.smtPairThroughput / 2 : 1;
    let migrated: Placement["migrated"] = "none";
    if (previous >= 0 && previous !== cpu) {
      migrated =
        this.llcOf[previous] === this.llcOf[cpu]
          ? this.coreOf[previous] === this.coreOf[cpu]
            ? "none"
            : "core"
          : "llc";
    }
    return { cpu, speed: smt / threads, migrated };
  }

  release(cpu: number, now: number): void {
    const threads = (this.occupancy[cpu] as number) - 1;
    this.occupancy[cpu] = threads;
    if (threads < 0) throw new Error(`CPU ${cpu} released more often than placed`);
    if (threads === 0) (this.busy[cpu] as TimeWeighted).update(now, 0);
  }

  private choose(allowed: readonly number[], previous: number): number {
    if (previous >= 0 && this.occupancy[previous] === 0 && allowed.includes(previous) && this.siblingsIdle(previous))
      return previous;
    let idleWithBusySibling = -1;
    let leastLoaded = -1;
    // Prefer CPUs near the previous one (same LLC), as the wake-affine path does.
    const near = previous >= 0 ? (this.llcOf[previous] as number) : -1;
    let idleCoreFar = -1;
    for (const cpu of allowed) {
      const load = this.occupancy[cpu] as number;
      if (load === 0) {
        if (this.siblingsIdle(cpu)) {
          if (near < 0 || this.llcOf[cpu] === near) return cpu;
          if (idleCoreFar < 0) idleCoreFar = cpu;
        } else if (idleWithBusySibling < 0 || cpu === previous) idleWithBusySibling = cpu;
      }
      if (leastLoaded < 0 || load < (this.occupancy[leastLoaded] as number)) leastLoaded = cpu;
    }
    if (idleCoreFar >= 0) return idleCoreFar;
    if (idleWithBusySibling >= 0) return idleWithBusySibling;
    if (leastLoaded < 0) throw new Error("a thread with an empty CPU affinity cannot run");
    return leastLoaded;
  }

  private siblingsIdle(cpu: number): boolean {
    return (this.siblingsOf[cpu] as number[]).every((sibling) => this.occupancy[sibling] === 0);
  }
}
