import type { HostSpec } from "../../src/catalog/host-catalog.js";
import { parseCpuList } from "../../src/cpulist.js";
import { erlangC } from "../../src/math/queueing-theory.js";
import type { OpenArrivals, RequestConfig } from "../../src/scenario/scenario-schema.js";
import { cpuPhase } from "../physics/cpu-phase.js";
import { type RandomStream, RandomStreams } from "../rng.js";
import { arrivalRate } from "../twin/arrivals.js";

/** A VM of a fleet: where it runs, its size and price, and its request workload. */
export interface FleetVm {
  name: string;
  host: number;
  /** The instance type it runs on (a catalog name); `vcpus` is that type's. */
  instanceType: string;
  vcpus: number;
  /** Resident memory in use, GiB: what monitoring reports (the fluid mode does not simulate memory). */
  memoryGiB: number;
  /** What it costs now, USD an hour: its type's on-demand price, less the spot discount on spot. */
  hourlyUsd: number;
  arrivals: OpenArrivals;
  request: RequestConfig;
  /** Step-to-step demand noise (coefficient of variation of a lognormal multiplier). */
  noiseCv: number;
  /** The demand shape it was generated with (diurnal-web, steady-batch...), when generated. */
  kind?: string;
  /** On spot capacity: reclaimed now and then. */
  spot?: SpotTerms;
}

export interface FleetSpec {
  host: HostSpec;
  hosts: number;
  vms: FleetVm[];
  stepMs: number;
  durationMs: number;
  seed: number;
}

/** The fleet at one time step. */
export interface FleetStep {
  timeMs: number;
  throughputRps: number;
  /** Throughput-weighted mean latency of the VMs that kept up, ms. */
  meanLatencyMs: number;
  /** VMs whose offered load exceeded their vCPUs. */
  saturatedVms: number;
  meanHostUtilization: number;
  maxHostUtilization: number;
  costUsd: number;
  /** Requests/s offered but not served: beyond saturated VMs' capacity, or to VMs down after a spot reclaim. */
  failedRps: number;
}

/** Spot capacity for a VM: cheaper, and reclaimed now and then (the VM is down until it restarts). */
export interface SpotTerms {
  interruptionsPerDay: number;
  restartMs: number;
}

/**
 * The fluid mode for fleets over days: each time step, each VM's arrival rate (seasons, trend,
 * bursts and noise) meets its vCPUs as a G/G/c queue (Allen–Cunneen), with the CPU-phase time of
 * `cpuPhase` (the formula the per-request mode uses) slowed by the expected SMT contention of its
 * host's utilization, and stretched by time sharing when its host has more busy vCPUs than
 * threads. Hosts share nothing else here; memory placement and caches enter through
 * each VM's request parameters. One core handles tens of millions of VM-steps a minute.
 *
 * A step-by-step object: after each `step`, the per-VM arrays hold that step's figures, so a
 * caller can observe VMs and change their size or pricing between steps (`FleetVm.vcpus`,
 * `hourlyUsd` and `spot` are read every step). Randomness is drawn per VM from named streams in
 * the same order whatever the sizes, so two simulations of one spec share their sample paths
 * (common random numbers).
 */
export class FleetSimulation {
  readonly vms: FleetVm[];
  /** Per VM, for the last step: offered and served requests/s, vCPU utilization, mean latency (ms; 0 when saturated or down). */
  readonly offeredRps: Float64Array;
  readonly servedRps: Float64Array;
  readonly utilization: Float64Array;
  readonly latencyMs: Float64Array;
  /** Per VM, for the last step: 1 when the offered load exceeded its vCPUs, 2 when it was down (spot reclaimed). */
  readonly state: Uint8Array;
  private readonly logicalCpus: number;
  private readonly cpuMs: Float64Array;
  private readonly stallMs: Float64Array;
  private readonly noise: RandomStream[];
  private readonly spotStreams: RandomStream[];
  private readonly downUntil: Float64Array;
  private readonly hostDemand: Float64Array;
  private readonly hostSpeed: Float64Array;
  private readonly hostStretch: Float64Array;
  /** Per host, the mean wait of a runnable vCPU for a thread, ms (see waitForThreads). */
  private readonly hostWait: Float64Array;
  private readonly vmsOnHost: number[][];

  constructor(readonly spec: FleetSpec) {
    // The simulation owns copies: callers may resize them without touching the spec.
    this.vms = spec.vms.map((vm) => ({ ...vm }));
    const n = this.vms.length;
    const host = spec.host;
    this.logicalCpus = host.nodes.reduce((sum, node) => sum + parseCpuList(node.cpus).length, 0);
    const llcBytes = (host.caches.find((cache) => cache.level === 3)?.sizeKiB ?? 0) * 1024;
    const localNs = host.memory.latencyNs[0]?.[0] ?? 100;
    // Per VM constants: instruction time on a solo core and stall time (from the shared formula).
    this.cpuMs = new Float64Array(n);
    this.stallMs = new Float64Array(n);
    const streams = new RandomStreams(spec.seed);
    this.noise = this.vms.map((vm) => streams.stream(`fleet/${vm.name}`));
    this.spotStreams = this.vms.map((vm) => streams.stream(`fleet/${vm.name}/spot`));
    this.vms.forEach((vm, i) => {
      const conditions = {
        speed: 1,
        sharing: 1,
        cacheShareBytes: llcBytes / 4,
        memoryLatencyNs: localNs,
        refillBytes: 0,
        ioCpuMs: 0,
      };
      const phase = cpuPhase(vm.request, vm.request.cpuMs, conditions).wallMs;
      this.cpuMs[i] = vm.request.cpuMs;
      this.stallMs[i] = phase - vm.request.cpuMs;
    });
    this.offeredRps = new Float64Array(n);
    this.servedRps = new Float64Array(n);
    this.utilization = new Float64Array(n);
    this.latencyMs = new Float64Array(n);
    this.state = new Uint8Array(n);
    this.downUntil = new Float64Array(n);
    this.hostDemand = new Float64Array(spec.hosts);
    this.hostSpeed = new Float64Array(spec.hosts);
    this.hostStretch = new Float64Array(spec.hosts);
    this.hostWait = new Float64Array(spec.hosts);
    this.vmsOnHost = Array.from({ length: spec.hosts }, () => []);
    this.vms.forEach((vm, i) => {
      const list = this.vmsOnHost[vm.host];
      if (list === undefined)
        throw new RangeError(`${vm.name} is on host ${vm.host}; the fleet has hosts 0-${spec.hosts - 1}`);
      list.push(i);
    });
  }

  /**
   * Per host, the mean time a runnable vCPU waits for one of the host's threads while they are
   * not all taken on average (above, time sharing stretches every phase instead): the host's
   * threads as an M/M/c queue of CPU phases, c the threads and a the busy ones, Wq = C(c, a) x
   * S / (c - a) with S the mean phase (Erlang C; a processor-sharing scheduler has the same mean
   * there), at most S x (vCPUs - c) / c, the stretch with every vCPU runnable. The vCPU is held
   * while it waits, so the wait adds to the VM's own queue. None where the VMs' vCPUs fit the
   * threads. Without it, a VM's latency ignored the host's queue: 2.1 ms
   * against the per-request twin's 6.4 ms at 96% of a host's capacity (`twintune validate`).
   */
  private waitForThreads(): void {
    const { vms, logicalCpus } = this;
    this.hostWait.fill(0);
    for (let h = 0; h < this.spec.hosts; h++) {
      if ((this.hostStretch[h] as number) !== 1) continue;
      let vcpus = 0;
      let phasesPerMs = 0;
      for (const i of this.vmsOnHost[h] as number[]) {
        if (this.state[i] === 2) continue;
        vcpus += (vms[i] as FleetVm).vcpus;
        phasesPerMs += (this.offeredRps[i] as number) / 1000;
      }
      const busy = this.hostDemand[h] as number;
      if (vcpus <= logicalCpus || !(busy > 0) || busy >= logicalCpus) continue;
      const phaseMs = busy / phasesPerMs;
      // Only the VMs' vCPUs queue, so the wait is bounded: at worst all of them are runnable and
      // share the threads, each phase stretched by vCPUs / threads (the same mean as processor
      // sharing). Unbounded, Erlang C's wait near capacity pushed every VM into saturation just
      // below the point where time sharing takes over: throughput fell as load rose.
      const erlang = (erlangC(logicalCpus, busy) * phaseMs) / (logicalCpus - busy);
      this.hostWait[h] = Math.min(erlang, (phaseMs * (vcpus - logicalCpus)) / logicalCpus);
    }
  }

  /** Instruction speed of a thread whose SMT sibling is busy with probability u: 1 alone, pair/2 shared. */
  private smtSpeed(u: number): number {
    return 1 - u + (u * this.spec.host.smtPairThroughput) / 2;
  }

  /**
   * Per host, the SMT speed of its threads and how far time sharing stretches a CPU phase. Busy
   * vCPU threads are counted at the speed they run (a VM keeps at most its vCPUs busy); while they
   * fit the host's threads, even with every sibling busy, nothing stretches and their speed is the
   * fixed point of busy share and SMT contention. Beyond, they share the threads (processor sharing):
   * each phase stretches by k = busy(k) / threads, where busy(k) grows with k until the VMs'
   * vCPUs cap it, solved by bisection. At that point every thread is busy, so the host delivers
   * exactly threads x pair/2 of a solo thread's work: 8 cores of 1.25 serve 10,000 requests of
   * 1 ms a second however many vCPUs ask (`twintune validate` compares it with the per-request twin).
   */
  private shareHosts(): void {
    const { vms, logicalCpus } = this;
    const busyAt = (h: number, speed: number, stretch: number): number => {
      let busy = 0;
      for (const i of this.vmsOnHost[h] as number[]) {
        if (this.state[i] === 2) continue;
        const phase = ((this.cpuMs[i] as number) / speed + (this.stallMs[i] as number)) * stretch;
        busy += Math.min((vms[i] as FleetVm).vcpus, ((this.offeredRps[i] as number) * phase) / 1000);
      }
      return busy;
    };
    const full = this.smtSpeed(1);
    for (let h = 0; h < this.spec.hosts; h++) {
      if (busyAt(h, full, 1) <= logicalCpus) {
        // The threads fit. The share u of them busy sets their SMT speed, which sets how many are
        // busy: u = busy(speed(u)) / threads, between the solo share and 1 (where busy fits).
        // Solved by the Illinois method (regula falsi that halves a stale end): a few passes over
        // the host's VMs where bisection took fourteen.
        const excess = (u: number) => busyAt(h, this.smtSpeed(u), 1) / logicalCpus - u;
        let low = Math.min(1, (this.hostDemand[h] as number) / logicalCpus);
        let high = 1;
        let atLow = excess(low);
        let atHigh = excess(high);
        let u = atLow <= 0 ? low : high;
        let side = 0;
        for (let iteration = 0; iteration < 40 && atLow > 0 && atHigh < 0 && high - low > 1e-9; iteration++) {
          u = (low * atHigh - high * atLow) / (atHigh - atLow);
          const at = excess(u);
          if (Math.abs(at) < 1e-7) break;
          if (at > 0) {
            low = u;
            atLow = at;
            if (side === 1) atHigh /= 2;
            side = 1;
          } else {
            high = u;
            atHigh = at;
            if (side === -1) atLow /= 2;
            side = -1;
          }
        }
        this.hostSpeed[h] = this.smtSpeed(u);
        this.hostStretch[h] = 1;
        this.hostDemand[h] = busyAt(h, this.hostSpeed[h] as number, 1);
        continue;
      }
      const speed = full;
      let low = 1;
      let high = 1;
      for (const i of this.vmsOnHost[h] as number[]) if (this.state[i] !== 2) high += (vms[i] as FleetVm).vcpus;
      high /= logicalCpus;
      for (let iteration = 0; iteration < 50 && high - low > 1e-9; iteration++) {
        const k = (low + high) / 2;
        if (busyAt(h, speed, k) / logicalCpus > k) low = k;
        else high = k;
      }
      this.hostSpeed[h] = speed;
      this.hostStretch[h] = high;
      this.hostDemand[h] = logicalCpus * high;
    }
  }

  /** Simulates the step starting at `t` (ms). */
  step(t: number): FleetStep {
    const { vms, hostDemand, logicalCpus, spec } = this;
    const n = vms.length;
    hostDemand.fill(0);
    for (let i = 0; i < n; i++) {
      const vm = vms[i] as FleetVm;
      const stream = this.noise[i] as RandomStream;
      const rate = arrivalRate(vm.arrivals, t) * (vm.noiseCv > 0 ? stream.lognormalMeanCv(1, vm.noiseCv) : 1);
      this.offeredRps[i] = rate;
      this.state[i] = 0;
      if (vm.spot !== undefined) {
        // Reclaims arrive as a Poisson process; the draw happens every step, down or not, so paths stay aligned.
        const reclaimed =
          (this.spotStreams[i] as RandomStream).uniform() <
          1 - Math.exp((-vm.spot.interruptionsPerDay * spec.stepMs) / 86_400_000);
        if (reclaimed && t >= (this.downUntil[i] as number)) this.downUntil[i] = t + vm.spot.restartMs;
        if (t < (this.downUntil[i] as number)) {
          this.state[i] = 2;
          continue;
        }
      }
      // Busy threads it asks of the host; a VM cannot keep more than its vCPUs busy.
      const busy = (rate * ((this.cpuMs[i] as number) + (this.stallMs[i] as number))) / 1000;
      hostDemand[vm.host] = (hostDemand[vm.host] as number) + Math.min(vm.vcpus, busy);
    }
    this.shareHosts();
    let throughput = 0;
    let failed = 0;
    let latencyWeighted = 0;
    let saturated = 0;
    let utilizationSum = 0;
    let utilizationMax = 0;
    let hourly = 0;
    for (let h = 0; h < spec.hosts; h++) {
      const u = Math.min(1, (hostDemand[h] as number) / logicalCpus);
      utilizationSum += u;
      if (u > utilizationMax) utilizationMax = u;
    }
    this.waitForThreads();
    const hostWait = this.hostWait;
    for (let i = 0; i < n; i++) {
      const vm = vms[i] as FleetVm;
      hourly += vm.hourlyUsd;
      const rate = this.offeredRps[i] as number;
      if (this.state[i] === 2) {
        this.servedRps[i] = 0;
        this.utilization[i] = 0;
        this.latencyMs[i] = 0;
        failed += rate;
        continue;
      }
      // Instructions at the host's SMT speed; instructions and stalls alike stretched by time
      // sharing (as cpuPhase's `sharing`); and the wait for a host thread, the vCPU held.
      const speed = this.hostSpeed[vm.host] as number;
      const serviceMs =
        ((this.cpuMs[i] as number) / speed + (this.stallMs[i] as number)) * (this.hostStretch[vm.host] as number) +
        (hostWait[vm.host] as number);
      const lambda = rate / 1000;
      const rho = (lambda * serviceMs) / vm.vcpus;
      if (rho >= 1) {
        saturated++;
        this.state[i] = 1;
        const capacity = (vm.vcpus / serviceMs) * 1000;
        this.servedRps[i] = capacity;
        this.utilization[i] = 1;
        this.latencyMs[i] = 0;
        throughput += capacity;
        failed += rate - capacity;
        continue;
      }
      const cs = (((this.cpuMs[i] as number) / speed) * vm.request.cpuCv) / serviceMs;
      const wait =
        lambda > 0
          ? (erlangC(vm.vcpus, lambda * serviceMs) / (vm.vcpus / serviceMs - lambda)) * ((1 + cs * cs) / 2)
          : 0;
      this.servedRps[i] = rate;
      this.utilization[i] = rho;
      this.latencyMs[i] = wait + serviceMs;
      throughput += rate;
      latencyWeighted += rate * (wait + serviceMs);
    }
    return {
      timeMs: t,
      throughputRps: throughput,
      meanLatencyMs: throughput > 0 ? latencyWeighted / throughput : 0,
      saturatedVms: saturated,
      meanHostUtilization: utilizationSum / spec.hosts,
      maxHostUtilization: utilizationMax,
      costUsd: (hourly * spec.stepMs) / 3_600_000,
      failedRps: failed,
    };
  }
}

/** Runs a fleet spec from start to end (see FleetSimulation). */
export function simulateFleet(spec: FleetSpec, onStep?: (step: FleetStep) => void): FleetStep[] {
  const simulation = new FleetSimulation(spec);
  const steps: FleetStep[] = [];
  for (let t = 0; t < spec.durationMs; t += spec.stepMs) {
    const step = simulation.step(t);
    steps.push(step);
    onStep?.(step);
  }
  return steps;
}
