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
  vcpus: number;
  hourlyUsd: number;
  arrivals: OpenArrivals;
  request: RequestConfig;
  /** Step-to-step demand noise (coefficient of variation of a lognormal multiplier). */
  noiseCv: number;
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
}

/**
 * The fluid mode for fleets over days: each time step, each VM's arrival rate (seasons, trend,
 * bursts and noise) meets its vCPUs as a G/G/c queue (Allen–Cunneen), with the CPU-phase time of
 * `cpuPhase` (the formula the per-request mode uses) slowed by the expected SMT contention of its
 * host's utilization. Hosts share nothing else here; memory placement and caches enter through
 * each VM's request parameters. One core handles tens of millions of VM-steps a minute.
 */
export function simulateFleet(spec: FleetSpec, onStep?: (step: FleetStep) => void): FleetStep[] {
  const { vms, host } = spec;
  const n = vms.length;
  const logicalCpus = host.nodes.reduce((sum, node) => sum + parseCpuList(node.cpus).length, 0);
  const llcBytes = (host.caches.find((cache) => cache.level === 3)?.sizeKiB ?? 0) * 1024;
  const localNs = host.memory.latencyNs[0]?.[0] ?? 100;
  // Per VM constants: instruction time on a solo core and stall time (from the shared formula).
  const cpuMs = new Float64Array(n);
  const stallMs = new Float64Array(n);
  const streams = new RandomStreams(spec.seed);
  const noise = vms.map((vm) => streams.stream(`fleet/${vm.name}`));
  vms.forEach((vm, i) => {
    const conditions = {
      speed: 1,
      sharing: 1,
      cacheShareBytes: llcBytes / 4,
      memoryLatencyNs: localNs,
      refillBytes: 0,
      ioCpuMs: 0,
    };
    const phase = cpuPhase(vm.request, vm.request.cpuMs, conditions).wallMs;
    cpuMs[i] = vm.request.cpuMs;
    stallMs[i] = phase - vm.request.cpuMs;
  });
  const rates = new Float64Array(n);
  const hostDemand = new Float64Array(spec.hosts);
  const steps: FleetStep[] = [];
  const hourlyTotal = vms.reduce((sum, vm) => sum + vm.hourlyUsd, 0);
  for (let t = 0; t < spec.durationMs; t += spec.stepMs) {
    hostDemand.fill(0);
    for (let i = 0; i < n; i++) {
      const vm = vms[i] as FleetVm;
      const stream = noise[i] as RandomStream;
      const rate = arrivalRate(vm.arrivals, t) * (vm.noiseCv > 0 ? stream.lognormalMeanCv(1, vm.noiseCv) : 1);
      rates[i] = rate;
      hostDemand[vm.host] =
        (hostDemand[vm.host] as number) + (rate * ((cpuMs[i] as number) + (stallMs[i] as number))) / 1000;
    }
    let throughput = 0;
    let latencyWeighted = 0;
    let saturated = 0;
    let utilizationSum = 0;
    let utilizationMax = 0;
    for (let h = 0; h < spec.hosts; h++) {
      const u = Math.min(1, (hostDemand[h] as number) / logicalCpus);
      utilizationSum += u;
      if (u > utilizationMax) utilizationMax = u;
    }
    for (let i = 0; i < n; i++) {
      const vm = vms[i] as FleetVm;
      const u = Math.min(1, (hostDemand[vm.host] as number) / logicalCpus);
      // A thread's sibling is busy with probability u: speed 1 alone, pair/2 when shared.
      const speed = 1 - u + (u * host.smtPairThroughput) / 2;
      const serviceMs = (cpuMs[i] as number) / speed + (stallMs[i] as number);
      const lambda = (rates[i] as number) / 1000;
      const rho = (lambda * serviceMs) / vm.vcpus;
      if (rho >= 1) {
        saturated++;
        throughput += (vm.vcpus / serviceMs) * 1000;
        continue;
      }
      const cs = (((cpuMs[i] as number) / speed) * vm.request.cpuCv) / serviceMs;
      const wait =
        lambda > 0
          ? (erlangC(vm.vcpus, lambda * serviceMs) / (vm.vcpus / serviceMs - lambda)) * ((1 + cs * cs) / 2)
          : 0;
      throughput += rates[i] as number;
      latencyWeighted += (rates[i] as number) * (wait + serviceMs);
    }
    const step: FleetStep = {
      timeMs: t,
      throughputRps: throughput,
      meanLatencyMs: throughput > 0 ? latencyWeighted / throughput : 0,
      saturatedVms: saturated,
      meanHostUtilization: utilizationSum / spec.hosts,
      maxHostUtilization: utilizationMax,
      costUsd: (hourlyTotal * spec.stepMs) / 3_600_000,
    };
    steps.push(step);
    onStep?.(step);
  }
  return steps;
}
