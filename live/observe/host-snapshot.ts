import type { HostFs, TextFs } from "../host-fs.js";
import { HostFsError } from "../host-fs-error.js";
import { type DiskCounters, parseDiskstats } from "../parsers/diskstats.js";
import { parseKeyValueCounters } from "../parsers/key-value-counters.js";
import { type LoadAverage, parseLoadavg } from "../parsers/loadavg.js";
import { parseMeminfo } from "../parsers/meminfo.js";
import { type InterfaceCounters, parseNetDev } from "../parsers/net-dev.js";
import { parseNetSnmp } from "../parsers/net-snmp.js";
import { type PidStat, parsePidStat } from "../parsers/pid-stat.js";
import { type PidStatus, parsePidStatus } from "../parsers/pid-status.js";
import { type Pressure, parsePressure } from "../parsers/pressure.js";
import { type ProcStat, parseProcStat } from "../parsers/proc-stat.js";
import { parseSchedstat } from "../parsers/schedstat.js";
import { parseSoftnetStat, type SoftnetCpu } from "../parsers/softnet-stat.js";
import { parseNaturalFile } from "../parsers/sysfs-values.js";
import { readOptional, readParsed } from "../read-parsed.js";

export interface ProcessSnapshot {
  stat: PidStat;
  status: PidStatus;
  schedstat?: { runNs: number; waitNs: number };
}

/** The host's counters at one instant: everything an observation is the difference of. */
export interface HostSnapshot {
  timeMs: number;
  stat: ProcStat;
  meminfo: Map<string, number>;
  vmstat: Map<string, number>;
  loadavg: LoadAverage;
  /** Absent when the kernel runs without PSI (CONFIG_PSI=n or psi=0: the files fail to read). */
  pressure?: { cpu: Pressure; memory: Pressure; io: Pressure };
  disks: DiskCounters[];
  interfaces: InterfaceCounters[];
  /** /proc/net/snmp and /proc/net/netstat merged: "Tcp.RetransSegs", "TcpExt.ListenOverflows"... */
  snmp: Map<string, number>;
  /** The same counters inside each network namespace asked for that could be read, by name. */
  netnsSnmp: Map<string, Map<string, number>>;
  /** Processes still alive, by pid. */
  processes: Map<number, ProcessSnapshot>;
  /** Per-CPU input-queue counters (/proc/net/softnet_stat), when the file could be read. */
  softnet?: SoftnetCpu[];
}

/**
 * /proc/net/snmp and /proc/net/netstat merged. On the host netstat is optional (older kernels and
 * some containers lack it); in a namespace both must be read, or a half-read snapshot would look
 * like counters that went back to zero.
 */
async function readTcpCounters(fs: TextFs, netstatRequired = false): Promise<Map<string, number>> {
  const [snmp, netstat] = await Promise.all([
    readParsed(fs, "/proc/net/snmp", parseNetSnmp),
    netstatRequired
      ? readParsed(fs, "/proc/net/netstat", parseNetSnmp)
      : readOptional(fs, "/proc/net/netstat", parseNetSnmp),
  ]);
  return new Map([...snmp, ...(netstat ?? [])]);
}

/**
 * The TCP counters of network namespaces; one that cannot be read (deleted, nsenter missing) is
 * left out, so an observation has no TCP line for it rather than the host's counters under its name.
 */
async function readNetnsCounters(namespaces: ReadonlyMap<string, TextFs>): Promise<Map<string, Map<string, number>>> {
  const out = new Map<string, Map<string, number>>();
  for (const [name, fs] of namespaces) {
    try {
      out.set(name, await readTcpCounters(fs, true));
    } catch (error) {
      if (!(error instanceof HostFsError)) throw error;
    }
  }
  return out;
}

/** Reads every counter file once; the caller supplies the time (from its Clock). */
export async function readHostSnapshot(
  fs: HostFs,
  timeMs: number,
  pids: readonly number[] = [],
  namespaces: ReadonlyMap<string, TextFs> = new Map(),
): Promise<HostSnapshot> {
  const [stat, meminfo, vmstat, loadavg, disks, interfaces, snmp, netnsSnmp] = await Promise.all([
    readParsed(fs, "/proc/stat", parseProcStat),
    readParsed(fs, "/proc/meminfo", parseMeminfo),
    readParsed(fs, "/proc/vmstat", parseKeyValueCounters),
    readParsed(fs, "/proc/loadavg", parseLoadavg),
    readParsed(fs, "/proc/diskstats", parseDiskstats),
    readParsed(fs, "/proc/net/dev", parseNetDev),
    readTcpCounters(fs),
    readNetnsCounters(namespaces),
  ]);
  // Not a /proc/net/dev column: its "drop" is rx_dropped + rx_missed_errors (net/core/net-procfs.c).
  // Read together, as the files above: a host with hundreds of interfaces reads them every window.
  await Promise.all(
    interfaces.map(async (iface) => {
      const missed = await readOptional(
        fs,
        `/sys/class/net/${iface.name}/statistics/rx_missed_errors`,
        parseNaturalFile,
      );
      if (missed !== undefined) iface.rxMissed = missed;
    }),
  );
  const [cpu, memory, io] = await Promise.all(
    ["cpu", "memory", "io"].map((name) => readOptional(fs, `/proc/pressure/${name}`, parsePressure)),
  );
  const softnet = await readOptional(fs, "/proc/net/softnet_stat", parseSoftnetStat);
  const processes = new Map<number, ProcessSnapshot>();
  for (const pid of pids) {
    const [pidStat, status, schedstat] = await Promise.all([
      readOptional(fs, `/proc/${pid}/stat`, parsePidStat),
      readOptional(fs, `/proc/${pid}/status`, parsePidStatus),
      readOptional(fs, `/proc/${pid}/schedstat`, parseSchedstat),
    ]);
    if (pidStat === undefined || status === undefined) continue; // exited
    processes.set(pid, schedstat === undefined ? { stat: pidStat, status } : { stat: pidStat, status, schedstat });
  }
  const snapshot: HostSnapshot = {
    timeMs,
    stat,
    meminfo,
    vmstat,
    loadavg,
    disks,
    interfaces,
    snmp,
    netnsSnmp,
    processes,
  };
  if (cpu !== undefined && memory !== undefined && io !== undefined) snapshot.pressure = { cpu, memory, io };
  if (softnet !== undefined) snapshot.softnet = softnet;
  return snapshot;
}
