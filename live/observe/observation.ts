import type {
  DiskObservation,
  HostObservation,
  NetworkObservation,
  Observation,
  TcpObservation,
  WorkloadObservation,
} from "../../src/backend.js";
import { processWorkloadId } from "../discovery/process-workloads.js";
import { numaCounters } from "../parsers/key-value-counters.js";
import { cpuTicks } from "../parsers/proc-stat.js";
import { counterDelta, perSecond, ratio } from "./counter-delta.js";
import type { HostSnapshot } from "./host-snapshot.js";

/** USER_HZ: the unit of /proc/stat and /proc/<pid>/stat times, 100 on every Linux ABI (`getconf CLK_TCK`). */
export const USER_HZ = 100;
const SECTOR_BYTES = 512; // diskstats sectors are always 512 bytes (Documentation/admin-guide/iostats.rst)

export interface ObservationOptions {
  /** Whole disks to report (partitions also appear in /proc/diskstats). */
  disks: readonly string[];
}

function busyShare(before: Parameters<typeof cpuTicks>[0], after: Parameters<typeof cpuTicks>[0]): number {
  const a = cpuTicks(before);
  const b = cpuTicks(after);
  return Math.min(1, Math.max(0, ratio(counterDelta(a.busy, b.busy), counterDelta(a.total, b.total))));
}

function hostObservation(a: HostSnapshot, b: HostSnapshot, ms: number): HostObservation {
  const total = b.meminfo.get("MemTotal") ?? 0;
  const available = b.meminfo.get("MemAvailable") ?? b.meminfo.get("MemFree") ?? 0;
  const host: HostObservation = {
    cpuUtilization: busyShare(a.stat.total, b.stat.total),
    perCpuUtilization: [...b.stat.perCpu].map(([id, times]) => {
      const before = a.stat.perCpu.get(id);
      return before === undefined ? 0 : busyShare(before, times);
    }),
    memoryUtilization: ratio(total - available, total),
    memoryAvailableBytes: available,
    contextSwitchesPerSec: perSecond(counterDelta(a.stat.contextSwitches, b.stat.contextSwitches), ms),
    loadAverage: b.loadavg.one,
  };
  if (a.pressure && b.pressure) {
    // PSI totals are microseconds stalled: the share of the interval some task was stalled.
    const share = (key: "cpu" | "memory" | "io") =>
      Math.min(
        1,
        ratio(counterDelta(a.pressure?.[key].some.totalUs ?? 0, b.pressure?.[key].some.totalUs ?? 0), ms * 1000),
      );
    host.pressure = { cpu: share("cpu"), memory: share("memory"), io: share("io") };
  }
  // Per CPU, each a 32-bit counter that may wrap; the same CPUs in both (a CPU going offline
  // drops its line, and the lines are not numbered): no rate then.
  if (a.softnet !== undefined && b.softnet !== undefined && a.softnet.length === b.softnet.length) {
    const dropped = b.softnet.reduce((sum, cpu, i) => sum + counterDelta(a.softnet?.[i]?.dropped ?? 0, cpu.dropped), 0);
    host.backlogDropsPerSec = perSecond(dropped, ms);
  }
  const numaA = numaCounters(a.vmstat);
  const numaB = numaCounters(b.vmstat);
  if (numaA && numaB) {
    const local = counterDelta(numaA.local, numaB.local);
    const other = counterDelta(numaA.other, numaB.other);
    if (local + other > 0) host.numaRemoteRatio = other / (local + other);
  }
  return host;
}

function diskObservations(a: HostSnapshot, b: HostSnapshot, ms: number, names: readonly string[]): DiskObservation[] {
  const out: DiskObservation[] = [];
  for (const disk of b.disks) {
    const before = a.disks.find((d) => d.name === disk.name);
    if (before === undefined || !names.includes(disk.name)) continue;
    const d = (key: keyof typeof disk) => counterDelta(before[key] as number, disk[key] as number);
    const reads = d("readsCompleted");
    const writes = d("writesCompleted");
    const merged = d("readsMerged") + d("writesMerged");
    const bytes = (d("sectorsRead") + d("sectorsWritten")) * SECTOR_BYTES;
    out.push({
      device: disk.name,
      readIops: perSecond(reads, ms),
      writeIops: perSecond(writes, ms),
      readBytesPerSec: perSecond(d("sectorsRead") * SECTOR_BYTES, ms),
      writeBytesPerSec: perSecond(d("sectorsWritten") * SECTOR_BYTES, ms),
      averageRequestBytes: ratio(bytes, reads + writes),
      mergeRatio: ratio(merged, merged + reads + writes),
      utilization: Math.min(1, ratio(d("ioMs"), ms)),
      averageQueueDepth: ratio(d("weightedIoMs"), ms),
      readLatencyMs: ratio(d("readMs"), reads),
      writeLatencyMs: ratio(d("writeMs"), writes),
    });
  }
  return out;
}

function networkObservations(a: HostSnapshot, b: HostSnapshot, ms: number): NetworkObservation[] {
  return b.interfaces.flatMap((iface) => {
    const before = a.interfaces.find((i) => i.name === iface.name);
    if (before === undefined) return [];
    const observed: NetworkObservation = {
      interface: iface.name,
      rxBytesPerSec: perSecond(counterDelta(before.rxBytes, iface.rxBytes), ms),
      txBytesPerSec: perSecond(counterDelta(before.txBytes, iface.txBytes), ms),
      rxDropsPerSec: perSecond(counterDelta(before.rxDrops, iface.rxDrops), ms),
      txDropsPerSec: perSecond(counterDelta(before.txDrops, iface.txDrops), ms),
    };
    // A 64-bit sysfs counter that went down was reset (the interface made again under its name):
    // no rate, rather than a 32-bit wrap's billion packets a second.
    if (before.rxMissed !== undefined && iface.rxMissed !== undefined && iface.rxMissed >= before.rxMissed)
      observed.rxMissedPerSec = perSecond(iface.rxMissed - before.rxMissed, ms);
    return [observed];
  });
}

const TCP_COUNTERS = ["Tcp.RetransSegs", "Tcp.OutSegs", "TcpExt.ListenOverflows"];

/** Every TCP counter an observation uses is in both snapshots and did not go down. */
function countersGrew(before: ReadonlyMap<string, number>, after: ReadonlyMap<string, number>): boolean {
  return TCP_COUNTERS.every((key) => {
    const a = before.get(key);
    const b = after.get(key);
    return a !== undefined && b !== undefined && b >= a;
  });
}

function tcpObservation(
  a: ReadonlyMap<string, number>,
  b: ReadonlyMap<string, number>,
  ms: number,
  netns: string,
): TcpObservation {
  const d = (key: string) => counterDelta(a.get(key) ?? 0, b.get(key) ?? 0);
  return {
    netns,
    retransmitRatio: ratio(d("Tcp.RetransSegs"), d("Tcp.OutSegs")),
    listenOverflowsPerSec: perSecond(d("TcpExt.ListenOverflows"), ms),
  };
}

function workloadObservations(a: HostSnapshot, b: HostSnapshot, ms: number): WorkloadObservation[] {
  const memTotal = b.meminfo.get("MemTotal") ?? 0;
  const out: WorkloadObservation[] = [];
  for (const [pid, now] of b.processes) {
    const before = a.processes.get(pid);
    if (before === undefined || before.stat.startTicks !== now.stat.startTicks) continue; // new or reused pid
    const ticks = counterDelta(
      before.stat.userTicks + before.stat.systemTicks,
      now.stat.userTicks + now.stat.systemTicks,
    );
    const vcpus = Math.max(1, now.status.cpusAllowed.length);
    const rss = now.status.rssBytes ?? 0;
    const workload: WorkloadObservation = {
      id: processWorkloadId(pid),
      cpuUtilization: ratio(ticks / USER_HZ, (ms / 1000) * vcpus),
      memoryBytes: rss,
      memoryUtilization: ratio(rss, memTotal),
    };
    if (before.schedstat && now.schedstat) {
      workload.cpuWaitRatio = ratio(counterDelta(before.schedstat.waitNs, now.schedstat.waitNs), ms * 1e6);
    }
    out.push(workload);
  }
  return out;
}

/** One interval's Observation from two snapshots: every rate is a counter delta over the interval. */
export function observationBetween(a: HostSnapshot, b: HostSnapshot, options: ObservationOptions): Observation {
  const ms = Math.max(0, b.timeMs - a.timeMs);
  return {
    time: b.timeMs,
    intervalMs: ms,
    host: hostObservation(a, b, ms),
    disks: diskObservations(a, b, ms, options.disks),
    network: networkObservations(a, b, ms),
    tcp: [
      tcpObservation(a.snmp, b.snmp, ms, "host"),
      // A namespace read at only one end of the interval, or whose counters went down (deleted and
      // made again under its name), has no delta: no line, rather than zeros or a wrap.
      ...[...b.netnsSnmp].flatMap(([name, after]) => {
        const before = a.netnsSnmp.get(name);
        return before === undefined || !countersGrew(before, after) ? [] : [tcpObservation(before, after, ms, name)];
      }),
    ],
    workloads: workloadObservations(a, b, ms),
  };
}
