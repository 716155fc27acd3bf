import type {
  DiskObservation,
  LatencySummary,
  Observation,
  TcpObservation,
  WorkloadObservation,
} from "../../src/backend.js";
import { LogHistogram } from "../../src/metrics/log-histogram.js";
import { CACHE_LINE_BYTES } from "../physics/cache-miss.js";
import type { HostTwin } from "./host-twin.js";
import { VmIntervalStats, type VmService } from "./vm-service.js";

const HOURS_PER_MONTH = 730;

/** Percentiles in milliseconds from a histogram of microseconds (0 when nothing was recorded). */
function summary(histogram: LogHistogram): LatencySummary {
  if (histogram.count === 0) return { p50: 0, p95: 0, p99: 0, mean: 0 };
  const ms = (q: number) => histogram.quantile(q) / 1000;
  return { p50: ms(0.5), p95: ms(0.95), p99: ms(0.99), mean: histogram.mean() / 1000 };
}

/** Memory the guest has resident: its workload's figure, or half of its memory; never above its size. */
function residentBytes(vm: VmService): number {
  return Math.min(vm.memoryBytes, (vm.config.workload.memoryUsedGiB ?? vm.memoryBytes / 1024 ** 3 / 2) * 1024 ** 3);
}

/** VMs whose latency is part of the service level: not batch jobs, not bulk transfers. */
export function servesRequests(vm: VmService): boolean {
  return vm.config.priority !== "batch" && !vm.config.tags.includes("bulk");
}

/**
 * Turns what the twin counted since the last observation into an Observation, the same shape a
 * live host yields from procfs (rates from counter deltas over the interval), then starts a new
 * interval. Only what a real host could measure goes in; ground truth stays in the twin.
 */
export class TwinObserver {
  private lastNs: number;
  private lastCarried: number[];
  private lastListenOverflows = 0;
  /** Response times (µs) of the request-serving VMs over the interval of the last observation. */
  lastServiceLatencyUs = new LogHistogram();

  constructor(private readonly twin: HostTwin) {
    this.lastNs = twin.sim.now;
    this.lastCarried = [...twin.ctx.network.carriedBits()];
  }

  observe(): Observation {
    const twin = this.twin;
    const now = twin.sim.now;
    const seconds = Math.max(1e-9, (now - this.lastNs) / 1e9);
    const intervalNs = seconds * 1e9;
    const ctx = twin.ctx;

    const perCpu = twin.topology.cpus.map((cpu) => {
      const level = ctx.cpu.busy[cpu.id];
      const mean = level === undefined ? 0 : level.mean(now);
      level?.reset(now);
      return mean;
    });
    const totalMemory = twin.topology.memoryBytes;
    const usedMemory = twin.vms.reduce((sum, vm) => sum + residentBytes(vm), 0);

    let misses = 0;
    let remote = 0;
    const combined = new LogHistogram();
    let completions = 0;
    let errors = 0;
    let ios = 0;
    let hourlyUsd = 0;
    const workloads: WorkloadObservation[] = twin.vms.map((vm) => {
      const stats = vm.stats;
      vm.stats = new VmIntervalStats();
      misses += stats.misses;
      remote += stats.remoteMisses;
      completions += stats.completions;
      errors += stats.errors;
      ios += stats.ios;
      hourlyUsd += vm.hourlyUsd;
      if (servesRequests(vm)) combined.merge(stats.latencyUs);
      const used = residentBytes(vm);
      const requests = stats.completions + stats.errors;
      return {
        id: vm.config.name,
        cpuUtilization: stats.cpuBusyNs / (intervalNs * vm.vcpus),
        memoryBytes: used,
        memoryUtilization: used / vm.memoryBytes,
        throughputRps: stats.completions / seconds,
        latencyMs: summary(stats.latencyUs),
        errorRate: requests > 0 ? stats.errors / requests : 0,
        crossNodeRatio: stats.misses > 0 ? stats.remoteMisses / stats.misses : 0,
        cpuWaitRatio: stats.vcpuWaitNs / (intervalNs * vm.vcpus),
        memoryTrafficBytesPerSec: (stats.misses * CACHE_LINE_BYTES) / seconds,
        iops: stats.ios / seconds,
        networkMbps: (stats.networkBytes * 8) / seconds / 1e6,
        hourlyCostUsd: vm.hourlyUsd,
      };
    });

    const disks: DiskObservation[] = [...ctx.devices.values()].map((device) => {
      const c = device.counters;
      const requests = c.reads + c.writes;
      const observation: DiskObservation = {
        device: device.name,
        readIops: c.reads / seconds,
        writeIops: c.writes / seconds,
        readBytesPerSec: c.readBytes / seconds,
        writeBytesPerSec: c.writeBytes / seconds,
        averageRequestBytes: requests > 0 ? (c.readBytes + c.writeBytes) / requests : 0,
        mergeRatio: requests > 0 ? c.merged / requests : 0,
        utilization: device.busyLevel.mean(now),
        averageQueueDepth: device.inFlightLevel.mean(now),
        readLatencyMs: c.reads > 0 ? c.readLatencyNs / c.reads / 1e6 : 0,
        writeLatencyMs: c.writes > 0 ? c.writeLatencyNs / c.writes / 1e6 : 0,
      };
      device.resetCounters();
      device.busyLevel.reset(now);
      device.inFlightLevel.reset(now);
      return observation;
    });

    const carried = ctx.network.carriedBits();
    const delta = carried.map((bits, link) => bits - (this.lastCarried[link] ?? 0));
    this.lastCarried = [...carried];
    const network = twin.interfaces.map((nic) => ({
      interface: nic.name,
      rxBytesPerSec: 0,
      txBytesPerSec: (delta[nic.link] ?? 0) / 8 / seconds,
      rxDropsPerSec: 0,
      txDropsPerSec: 0,
    }));
    const overflows = twin.listenOverflows - this.lastListenOverflows;
    this.lastListenOverflows = twin.listenOverflows;
    // One entry per path that carried traffic (what `ss -tin` shows per destination), and the
    // namespace-wide entry with the accept-queue overflows. Loss-based and BBR flows both
    // retransmit what the path drops.
    const tcp: TcpObservation[] = [{ netns: "host", retransmitRatio: 0, listenOverflowsPerSec: overflows / seconds }];
    for (const [name, path] of ctx.paths) {
      const bits = delta[path.link] ?? 0;
      if (bits <= 0) continue;
      tcp.push({
        netns: "host",
        path: name,
        retransmitRatio: Math.min(1, path.spec.lossRate + ctx.ringLossRate),
        listenOverflowsPerSec: 0,
        rttMs: path.spec.rttMs,
        pathBandwidthMbps: path.spec.bandwidthMbps,
        throughputMbps: bits / seconds / 1e6,
      });
    }

    this.lastNs = now;
    this.lastServiceLatencyUs = combined;
    return {
      time: now / 1e6,
      intervalMs: seconds * 1000,
      host: {
        cpuUtilization: perCpu.reduce((a, b) => a + b, 0) / Math.max(1, perCpu.length),
        perCpuUtilization: perCpu,
        memoryUtilization: usedMemory / totalMemory,
        memoryAvailableBytes: totalMemory - usedMemory,
        numaRemoteRatio: misses > 0 ? remote / misses : 0,
      },
      disks,
      network,
      tcp,
      workloads,
      service: {
        throughputRps: completions / seconds,
        latencyMs: summary(combined),
        errorRate: completions + errors > 0 ? errors / (completions + errors) : 0,
        iops: ios / seconds,
        monthlyCostUsd: hourlyUsd * HOURS_PER_MONTH,
      },
    };
  }
}
