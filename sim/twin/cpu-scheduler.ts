import type { Cpu } from "../../src/backend.js";
import type { Simulation } from "../kernel.js";
import { TimeWeighted } from "../time-weighted.js";

/** Where a thread was placed (how fast it runs there changes as the CPU's sharing does). */
export interface Placement {
  cpu: number;
  /** The placement moved the thread off its previous CPU: to another core or another L3. */
  migrated: "none" | "core" | "llc";
}

/** A CPU phase running on a logical CPU: its work, how far it has got, and its end event. */
export interface RunningPhase {
  cpu: number;
  /** Instruction time at full speed on an idle core, ms (slowed by SMT and time sharing). */
  cpuWorkMs: number;
  /** Memory stalls and cache refill, ms (stretched by time sharing, not by SMT). */
  stallWorkMs: number;
  /** Share of the phase done at `since`. */
  progress: number;
  since: number;
  /** Wall time the whole phase takes under the CPU's present conditions, ns. */
  wallNs: number;
  /** The end event's handle, for rescheduling. */
  endHandle: number;
  /** Whose CPU affinity the thread has, read when it may move (so an affinity change counts). */
  affinity: { readonly allowedCpus: readonly number[] };
  onEnd: (phase: RunningPhase) => void;
}

/**
 * The host's CPU scheduler as the twin sees it: places runnable vCPU threads on logical CPUs
 * within their affinity, the way Linux's wake-up path does (the previous CPU if idle, else an
 * idle core, else an idle SMT sibling, else the least loaded CPU, time-shared), and runs each
 * CPU phase at the speed the CPU's present state gives it: 1/k of the CPU when k threads share
 * it, times pair/2 while an SMT sibling is busy (a busy pair delivers `smtPairThroughput` of one
 * thread; Intel's "up to 30%" more, Marr et al., Intel Technology Journal 6(1), 2002). Whenever a
 * thread is placed on or leaves a CPU or its sibling, the phases there are re-timed from the
 * work they have left (processor sharing): a CPU shared by two runs each at half speed, and the
 * one left runs at full speed again, so no CPU idles while a phase is on it. With the pull and
 * push below, no CPU idles while another of its L3 is shared by a thread allowed on it: on 16
 * free CPUs at 90% load the mean response is within 1% of M/M/16's (Erlang C), where fixing each
 * phase's speed when it was placed overstated it by 27% (`npm run -s bench:sharing`, the "CPU
 * time sharing" row of `twintune validate`).
 */
export class CpuScheduler {
  private readonly occupancy: Int32Array;
  private readonly siblingsOf: number[][];
  /** Each CPU and its SMT siblings, the CPU first: whose phases a change on it re-times. */
  private readonly coreCpus: number[][];
  private readonly llcOf: Int32Array;
  private readonly coreOf: Int32Array;
  private readonly nodeOf: Int32Array;
  /** Busy (occupancy > 0) per logical CPU over time. */
  readonly busy: TimeWeighted[];
  private readonly running: RunningPhase[][];
  private readonly cpusOfLlc = new Map<number, number[]>();
  /** Idle CPUs per L3 instance, so a shared CPU looks for one to hand a thread to only when there is one. */
  private readonly idleInLlc = new Map<number, number>();

  constructor(
    readonly cpus: readonly Cpu[],
    llcInstanceOf: (cpu: number) => number,
    readonly smtPairThroughput: number,
    private readonly sim: Simulation,
  ) {
    const now = sim.now;
    const size = Math.max(...cpus.map((cpu) => cpu.id)) + 1;
    this.occupancy = new Int32Array(size);
    this.siblingsOf = Array.from({ length: size }, () => []);
    this.coreCpus = Array.from({ length: size }, () => []);
    this.llcOf = new Int32Array(size).fill(-1);
    this.coreOf = new Int32Array(size).fill(-1);
    this.nodeOf = new Int32Array(size).fill(-1);
    for (const cpu of cpus) {
      this.siblingsOf[cpu.id] = cpu.siblings.filter((id) => id !== cpu.id);
      this.coreCpus[cpu.id] = [cpu.id, ...(this.siblingsOf[cpu.id] as number[])];
      this.llcOf[cpu.id] = llcInstanceOf(cpu.id);
      this.coreOf[cpu.id] = cpu.coreId;
      this.nodeOf[cpu.id] = cpu.node;
    }
    this.busy = Array.from({ length: size }, () => new TimeWeighted(now, 0));
    this.running = Array.from({ length: size }, () => []);
    for (const cpu of cpus) {
      const llc = this.llcOf[cpu.id] as number;
      this.cpusOfLlc.set(llc, [...(this.cpusOfLlc.get(llc) ?? []), cpu.id]);
      this.idleInLlc.set(llc, (this.idleInLlc.get(llc) ?? 0) + 1);
    }
  }

  nodeOfCpu(cpu: number): number {
    return this.nodeOf[cpu] as number;
  }

  llcOfCpu(cpu: number): number {
    return this.llcOf[cpu] as number;
  }

  /**
   * Places a thread allowed on `allowed` CPUs (ascending ids), last run on `previous` (-1 if
   * never), and marks the CPU occupied until its phase ends (`start`, then `end`).
   */
  place(allowed: readonly number[], previous: number, now: number): Placement {
    const cpu = this.choose(allowed, previous);
    this.advance(cpu, now);
    const threads = (this.occupancy[cpu] as number) + 1;
    this.occupancy[cpu] = threads;
    if (threads === 1) this.markBusy(cpu, now, 1);
    let migrated: Placement["migrated"] = "none";
    if (previous >= 0 && previous !== cpu) {
      migrated =
        this.llcOf[previous] === this.llcOf[cpu]
          ? this.coreOf[previous] === this.coreOf[cpu]
            ? "none"
            : "core"
          : "llc";
    }
    return { cpu, migrated };
  }

  /** Takes an ended phase off its CPU, which then serves the others there or pulls one. */
  end(phase: RunningPhase, now: number): void {
    this.takeOff(phase);
    const cpu = phase.cpu;
    this.advance(cpu, now);
    const threads = (this.occupancy[cpu] as number) - 1;
    this.occupancy[cpu] = threads;
    if (threads < 0) throw new Error(`CPU ${cpu} ended more phases than were placed`);
    if (threads === 0) {
      this.markBusy(cpu, now, 0);
      this.pull(cpu, now);
    }
    this.retime(cpu, now);
  }

  /**
   * A CPU gone idle takes a thread from the busiest time-shared CPU of its L3, one that may run
   * here: Linux's idle balancing pulls from the busiest runqueue of its domain (the L3 kept, so
   * the thread's cache share stands). Without it a CPU idled beside a time-shared one, and
   * M/M/16's mean response was overstated by 14% at 90% load instead of being within 1%.
   */
  private pull(cpu: number, now: number): void {
    let donor: RunningPhase | undefined;
    let from = -1;
    for (const id of this.cpusOfLlc.get(this.llcOf[cpu] as number) ?? []) {
      const threads = this.occupancy[id] as number;
      if (threads < 2 || (from >= 0 && threads <= (this.occupancy[from] as number))) continue;
      const movable = (this.running[id] as RunningPhase[]).find((phase) => phase.affinity.allowedCpus.includes(cpu));
      if (movable === undefined) continue;
      donor = movable;
      from = id;
    }
    if (donor !== undefined) this.move(donor, cpu, now);
  }

  /**
   * A CPU just made time-shared hands threads to idle CPUs of its L3 that they may run on (an
   * idle core first), as Linux's idle CPUs pull from a busier one at their next balance. The
   * thread placed here had no idle CPU in its affinity, but one beside it may: with VMs of
   * different affinities (one pinned, one not) a CPU otherwise idled beside a shared one.
   */
  private pushToIdle(cpu: number, now: number): void {
    const llc = this.llcOf[cpu] as number;
    if (this.idleInLlc.get(llc) === 0) return;
    const llcCpus = this.cpusOfLlc.get(llc) ?? [];
    for (let pass = 0; pass < 2; pass++)
      for (const id of llcCpus) {
        const wholeCore = pass === 0;
        if ((this.occupancy[cpu] as number) < 2) return;
        if (this.occupancy[id] !== 0 || (wholeCore && !this.siblingsIdle(id))) continue;
        const movable = (this.running[cpu] as RunningPhase[]).find((phase) => phase.affinity.allowedCpus.includes(id));
        if (movable !== undefined) this.move(movable, id, now);
      }
  }

  /**
   * A VM's affinity changed: a thread it now allows on an idle CPU beside a shared one moves
   * there. A thread running where its VM no longer allows it stays until its phase ends (Linux
   * would move it at once; phases last milliseconds), and is placed within the new set next time.
   */
  affinityChanged(now: number): void {
    for (const cpu of this.cpus) if ((this.occupancy[cpu.id] as number) > 1) this.pushToIdle(cpu.id, now);
  }

  /**
   * Moves a running phase to CPU `to` of the same L3. The move costs the thread no cache refill,
   * unlike a placement on another core: an optimistic simplification. Charging each move the L2
   * refill a placement pays (0.05 ms on the 8-core host) raised the shared host's mean latency at
   * 96% of its capacity from 5.1 to 13.5 ms (`twintune validate`); Linux's balancer leaves a
   * cache-hot thread where it is unless the imbalance persists (sysctl_sched_migration_cost),
   * a choice the twin does not model.
   */
  private move(phase: RunningPhase, to: number, now: number): void {
    const from = phase.cpu;
    this.advance(from, now);
    this.advance(to, now);
    this.takeOff(phase);
    this.occupancy[from] = (this.occupancy[from] as number) - 1;
    // Callers move a thread only off a shared CPU, so `from` stays busy.
    if (this.occupancy[from] === 0) throw new Error(`moved the last thread off CPU ${from}`);
    phase.cpu = to;
    const here = this.occupancy[to] as number;
    this.occupancy[to] = here + 1;
    if (here === 0) this.markBusy(to, now, 1);
    (this.running[to] as RunningPhase[]).push(phase);
    this.retime(from, now);
    this.retime(to, now);
  }

  /**
   * Runs a phase on the CPU it was placed on (right after `place`) and schedules its end; the
   * phases beside it are re-timed.
   */
  start(phase: RunningPhase, now: number): void {
    phase.progress = 0;
    phase.since = now;
    phase.endHandle = -1;
    (this.running[phase.cpu] as RunningPhase[]).push(phase);
    this.retime(phase.cpu, now);
    if ((this.occupancy[phase.cpu] as number) > 1) this.pushToIdle(phase.cpu, now);
  }

  /** Records a CPU going busy (1) or idle (0). */
  private markBusy(cpu: number, now: number, busy: 0 | 1): void {
    (this.busy[cpu] as TimeWeighted).update(now, busy);
    const llc = this.llcOf[cpu] as number;
    this.idleInLlc.set(llc, (this.idleInLlc.get(llc) as number) + (busy === 1 ? -1 : 1));
  }

  /** Removes a phase from its CPU's list (its occupancy is the caller's). */
  private takeOff(phase: RunningPhase): void {
    const list = this.running[phase.cpu] as RunningPhase[];
    const at = list.indexOf(phase);
    if (at >= 0) {
      list[at] = list[list.length - 1] as RunningPhase;
      list.pop();
    }
  }

  /** The speed and sharing a phase on `cpu` runs at now. */
  private wallNs(phase: RunningPhase): number {
    const cpu = phase.cpu;
    const threads = Math.max(1, this.occupancy[cpu] as number);
    const siblingBusy = (this.siblingsOf[cpu] as number[]).some((sibling) => (this.occupancy[sibling] as number) > 0);
    const speed = (siblingBusy ? this.smtPairThroughput / 2 : 1) / threads;
    return (phase.cpuWorkMs / speed + phase.stallWorkMs * threads) * 1e6;
  }

  /** Brings the phases on `cpu` and its siblings up to `now` under the conditions they ran at. */
  private advance(cpu: number, now: number): void {
    for (const id of this.coreCpus[cpu] as number[])
      for (const phase of this.running[id] as RunningPhase[]) {
        if (phase.wallNs > 0) phase.progress += (now - phase.since) / phase.wallNs;
        phase.since = now;
      }
  }

  /** Re-times the phases on `cpu` and its siblings for the conditions from `now` on. */
  private retime(cpu: number, now: number): void {
    const sim = this.sim;
    for (const id of this.coreCpus[cpu] as number[])
      for (const phase of this.running[id] as RunningPhase[]) {
        const wall = this.wallNs(phase);
        if (phase.endHandle >= 0 && wall === phase.wallNs) continue;
        phase.wallNs = wall;
        if (phase.endHandle >= 0) sim.cancel(phase.endHandle);
        const left = Math.max(0, Math.round((1 - phase.progress) * wall));
        phase.endHandle = sim.schedule(left, phase.onEnd, phase);
        phase.since = now;
      }
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
