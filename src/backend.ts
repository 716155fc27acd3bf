/**
 * The seam between the tuning engine and what it tunes. Exactly two implementations:
 * `sim/sim-backend.ts` (the digital twin) and `live/live-backend.ts` (a real Linux host through
 * procfs and sysfs). The engine sees only these types: the same topology and the same
 * observations a real host gives, never the twin's ground truth. One conformance suite,
 * `test/backend.case.ts`, runs against both.
 */
import type { Clock } from "./clock.js";
import { formatCpuList } from "./cpulist.js";

// ---------------------------------------------------------------------------------------------
// Topology: what the host is made of, as discovered (sysfs on a live host, the catalog on the twin)

export interface NumaNode {
  id: number;
  cpus: number[];
  memoryBytes: number;
  /** SLIT row: distances[j] from this node to node j (10 = local). */
  distances: number[];
}

export interface Cpu {
  id: number;
  node: number;
  /** Physical package (socket). */
  packageId: number;
  /** Core id within the package; SMT siblings share it. */
  coreId: number;
  /** Logical CPUs on the same core, this one included (thread_siblings / core_cpus). */
  siblings: number[];
}

export interface CacheInfo {
  level: 1 | 2 | 3 | 4;
  type: "data" | "instruction" | "unified";
  sizeBytes: number;
  /** Logical CPUs sharing one instance of this cache. */
  sharedCpus: number[];
  /**
   * Length of the capacity bitmask when the kernel can confine workloads to part of this cache
   * (Intel RDT CAT / AMD L3 QoS through resctrl: info/L3/cbm_mask); absent when it cannot.
   */
  allocationWays?: number;
  /** The fewest ways a group may be given (resctrl info/L3/min_cbm_bits); 1 when absent. */
  allocationMinWays?: number;
}

export type DeviceClass = "nvme" | "ssd" | "hdd" | "virtual" | "loop" | "unknown";

export interface BlockDevice {
  name: string;
  /** As classified from name, rotational flag, queue count and model; see the I/O tuner. */
  deviceClass: DeviceClass;
  rotational: boolean;
  /** Hardware submission queues (blk-mq). */
  hardwareQueues: number;
  sizeBytes: number;
  /** Schedulers the kernel offers for this device, e.g. ["none", "mq-deadline", "kyber", "bfq"]. */
  schedulers: string[];
  model?: string;
}

export interface NetInterface {
  name: string;
  /** Link speed when known (ethtool/sysfs `speed`, or the twin's link). */
  speedMbps?: number;
  mtu: number;
  /** The driver's largest ring sizes (`ethtool -g`, "Pre-set maximums"), when known. */
  maxRing?: { rx: number; tx: number };
  /** Network namespace, when not the host's. */
  netns?: string;
}

/** A unit the engine tunes: a VM on the twin; a process or cgroup on a live host. */
export interface Workload {
  id: string;
  kind: "vm" | "process" | "cgroup";
  vcpus: number;
  memoryBytes: number;
  /** Cloud instance type, when the workload is a VM with a price. */
  instanceType?: string;
  /** Free-form tags from the scenario or trace: "latency-sensitive", "interruptible", "batch"... */
  tags: string[];
  /** Workload class for CPU pinning: high, medium, low or batch. */
  priority?: "high" | "medium" | "low" | "batch";
  pid?: number;
}

export interface Topology {
  hostname: string;
  nodes: NumaNode[];
  cpus: Cpu[];
  caches: CacheInfo[];
  devices: BlockDevice[];
  interfaces: NetInterface[];
  workloads: Workload[];
  memoryBytes: number;
}

// ---------------------------------------------------------------------------------------------
// Observation: one interval's metrics, rates computed from counter deltas

export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  mean: number;
}

export interface HostObservation {
  /** Busy share of all CPUs over the interval, 0..1. */
  cpuUtilization: number;
  perCpuUtilization: number[];
  memoryUtilization: number;
  memoryAvailableBytes: number;
  /** PSI "some" share of time stalled over the interval, when the kernel offers it. */
  pressure?: { cpu: number; memory: number; io: number };
  /** Share of page allocations on a remote node over the interval (vmstat numa_other / total). */
  numaRemoteRatio?: number;
  contextSwitchesPerSec?: number;
  loadAverage?: number;
  /**
   * Packets dropped because a CPU's input backlog already held net.core.netdev_max_backlog
   * (/proc/net/softnet_stat, second column), when measured.
   */
  backlogDropsPerSec?: number;
}

export interface DiskObservation {
  device: string;
  readIops: number;
  writeIops: number;
  readBytesPerSec: number;
  writeBytesPerSec: number;
  /** Mean request size, bytes. */
  averageRequestBytes: number;
  /** Share of requests merged by the block layer (sequential streams merge). */
  mergeRatio: number;
  /** Share of the interval with I/O in flight. */
  utilization: number;
  averageQueueDepth: number;
  readLatencyMs: number;
  writeLatencyMs: number;
}

export interface NetworkObservation {
  interface: string;
  rxBytesPerSec: number;
  txBytesPerSec: number;
  rxDropsPerSec: number;
  txDropsPerSec: number;
  /**
   * Packets the NIC dropped for want of a free receive descriptor: the counter a bigger ring
   * cures (rtnl_link_stats64 `rx_missed_errors`, which /proc/net/dev folds into its "drop" with
   * drops no ring size helps). Undefined where not measured.
   */
  rxMissedPerSec?: number;
}

export interface TcpObservation {
  /** Namespace the figures are from ("host" for the host's own). */
  netns: string;
  /** The path or destination the figures are for, when known (one entry per path with traffic). */
  path?: string;
  /** Share of segments retransmitted over the interval. */
  retransmitRatio: number;
  /** Accept-queue overflows per second (TcpExt ListenOverflows). */
  listenOverflowsPerSec: number;
  /** Smoothed RTT of the busiest path when known (ss -tin, or the twin's path), ms. */
  rttMs?: number;
  /** Path bottleneck bandwidth when known, Mb/s. */
  pathBandwidthMbps?: number;
  /** Goodput of the bulk flows over the interval, Mb/s. */
  throughputMbps?: number;
}

export interface WorkloadObservation {
  id: string;
  /** Busy share of the workload's vCPUs, 0..1 (can exceed 1 only if it has more than allotted). */
  cpuUtilization: number;
  memoryBytes: number;
  memoryUtilization: number;
  /** Application throughput when the workload reports it (the twin always does), requests/s. */
  throughputRps?: number;
  latencyMs?: LatencySummary;
  errorRate?: number;
  /** Share of its memory accesses that go to a remote NUMA node. */
  crossNodeRatio?: number;
  /** CPU time it wanted but did not get (run-queue wait or throttling), share of the interval. */
  cpuWaitRatio?: number;
  /**
   * Bytes per second its CPUs moved to and from memory past the last-level cache (LLC misses x
   * 64 B), where measured (the twin; a live host does not report it yet).
   */
  memoryTrafficBytesPerSec?: number;
  iops?: number;
  networkMbps?: number;
  oomKills?: number;
  hourlyCostUsd?: number;
}

/** Service-level figures of the whole host or fleet over the interval. */
export interface ServiceLevel {
  throughputRps: number;
  latencyMs: LatencySummary;
  errorRate: number;
  iops: number;
  monthlyCostUsd: number;
}

export interface Observation {
  /** End of the interval, ms on the backend's clock. */
  time: number;
  intervalMs: number;
  host: HostObservation;
  disks: DiskObservation[];
  network: NetworkObservation[];
  tcp: TcpObservation[];
  workloads: WorkloadObservation[];
  service?: ServiceLevel;
}

// ---------------------------------------------------------------------------------------------
// Knobs and changes

/** The knobs a backend may offer. Each has one value shape (KnobValueOf). */
export type KnobName =
  | "cpu-affinity"
  | "memory-policy"
  | "io-scheduler"
  | "nr-requests"
  | "read-ahead-kb"
  | "tcp-rmem"
  | "tcp-wmem"
  | "tcp-congestion-control"
  | "tcp-window-scaling"
  | "tcp-sack"
  | "tcp-timestamps"
  | "somaxconn"
  | "netdev-max-backlog"
  | "nic-rings"
  | "instance-type"
  /** How a cloud VM is bought: on-demand, spot, a 1-year reservation or savings plan (twin and cloud only). */
  | "purchase-option"
  /** Ways of each last-level cache a workload may fill (cache allocation through resctrl). */
  | "llc-ways"
  // Live-only knobs (live/knobs/): the twin does not offer them.
  | "iosched-tunable"
  | "tcp-mtu-probing"
  | "rmem-max"
  | "wmem-max"
  | "cpuset-cpus"
  | "cpuset-mems"
  | "nic-offloads"
  | "numa-memory-nodes";

export type PurchaseOption = "on-demand" | "spot" | "reserved-1y" | "savings-plan-1y";

export type MemoryPolicyMode = "default" | "local" | "interleave" | "preferred" | "bind";

export interface MemoryPolicy {
  mode: MemoryPolicyMode;
  /** Nodes the policy names (empty for default and local). */
  nodes: number[];
}

export interface KnobValues {
  "cpu-affinity": number[];
  "memory-policy": MemoryPolicy;
  "io-scheduler": string;
  "nr-requests": number;
  "read-ahead-kb": number;
  "tcp-rmem": [number, number, number];
  "tcp-wmem": [number, number, number];
  "tcp-congestion-control": string;
  "tcp-window-scaling": number;
  "tcp-sack": number;
  "tcp-timestamps": number;
  somaxconn: number;
  "netdev-max-backlog": number;
  "nic-rings": { rx: number; tx: number };
  "instance-type": string;
  "purchase-option": PurchaseOption;
  /**
   * How many of the last-level cache's allocation ways the workload's lines may occupy: N
   * contiguous bits of the capacity bitmask in every cache domain, the lowest run no other tool's
   * group reserves (all confined workloads share it). The full bitmask length means no
   * confinement (the default resource group). Others keep the whole cache, so a confined
   * workload only contends in its own ways.
   */
  "llc-ways": number;
  /** One integer tunable of the active I/O scheduler; target "<device>/<tunable>", e.g. "sda/read_expire". */
  "iosched-tunable": number;
  "tcp-mtu-probing": number;
  /** net.core.rmem_max / wmem_max, bytes (cap explicit SO_RCVBUF/SO_SNDBUF only). */
  "rmem-max": number;
  "wmem-max": number;
  /** cgroup (v1 or v2) cpuset; target = the cgroup directory. */
  "cpuset-cpus": number[];
  "cpuset-mems": number[];
  /** NIC offload features by ethtool name (tcp-segmentation-offload, generic-receive-offload...). */
  "nic-offloads": Record<string, boolean>;
  /** NUMA nodes holding a process's pages; changing it migrates them (migratepages). */
  "numa-memory-nodes": number[];
}

export type KnobValue = KnobValues[KnobName];

/**
 * Which knob, on what: `target` is a workload id (cpu-affinity, memory-policy, instance-type), a
 * block device (io-scheduler, nr-requests, read-ahead-kb), a network namespace ("host" for the
 * host's own: tcp-*, somaxconn, netdev-max-backlog) or an interface (nic-rings).
 */
export interface KnobRef {
  knob: KnobName;
  target: string;
}

export interface Change {
  /** Unique within a run. */
  id: string;
  knob: KnobRef;
  to: KnobValue;
  /** The tuning component that proposed it: numa, cpu-pinning, io, network, rightsizing, cost... */
  component: string;
  reason: string;
}

export interface Receipt {
  change: Change;
  /** The value before the change, read back from the backend; `revert` restores it. */
  previous: KnobValue;
  /** The value after the change, normalized and read back (for a dry run: what it would be). */
  applied: KnobValue;
  /** Backend clock time of the apply, ms. */
  at: number;
  dryRun: boolean;
  /**
   * Dry run only: the knob comes into being with an earlier change of the same batch (a tunable
   * of the scheduler it switches to), so it has no value before; `previous` repeats `applied`.
   */
  createdByBatch?: true;
}

export interface ApplyOptions {
  /** Plan only: validate and normalize the value, write nothing. */
  dryRun?: boolean;
}

export interface Backend {
  readonly kind: "sim" | "live";
  readonly clock: Clock;
  topology(): Promise<Topology>;
  /** Metrics over the interval since the previous observation (or the backend's default window). */
  observe(): Promise<Observation>;
  /** The knobs this backend can read and change right now. */
  knobs(): Promise<KnobRef[]>;
  readKnob(ref: KnobRef): Promise<KnobValue>;
  apply(change: Change, options?: ApplyOptions): Promise<Receipt>;
  /** Restores the receipt's previous value. Reverting a dry run is a no-op. */
  revert(receipt: Receipt): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Errors every backend raises the same way

/** The knob does not exist on this backend or target (no such device, knob not offered). */
export class KnobUnavailableError extends Error {
  constructor(
    readonly knob: KnobRef,
    detail: string,
  ) {
    super(`${knob.knob} on ${knob.target}: ${detail}`);
    this.name = "KnobUnavailableError";
  }
}

/** The value is not acceptable (out of bounds, unknown scheduler, malformed), checked before any write. */
export class KnobValueError extends Error {
  constructor(
    readonly knob: KnobRef,
    detail: string,
  ) {
    super(`${knob.knob} on ${knob.target}: ${detail}`);
    this.name = "KnobValueError";
  }
}

/** The backend may not write (not root, read-only file); nothing was changed. */
export class KnobPermissionError extends Error {
  constructor(
    readonly knob: KnobRef,
    readonly path: string,
    detail: string,
  ) {
    super(`${knob.knob} on ${knob.target}: cannot write ${path}: ${detail}`);
    this.name = "KnobPermissionError";
  }
}

/** Someone else changed a knob we manage since we last wrote it: we yield it. */
export class KnobConflictError extends Error {
  constructor(
    readonly knob: KnobRef,
    readonly expected: KnobValue,
    readonly found: KnobValue,
  ) {
    super(
      `${knob.knob} on ${knob.target} was changed by someone else (expected ${JSON.stringify(expected)}, found ${JSON.stringify(found)}); yielding it`,
    );
    this.name = "KnobConflictError";
  }
}

/** Two knob values are the same setting (structural equality of the value shapes). */
export function sameKnobValue(a: KnobValue, b: KnobValue): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

const LIST_KNOBS: ReadonlySet<KnobName> = new Set(["cpu-affinity", "cpuset-cpus", "cpuset-mems", "numa-memory-nodes"]);

/**
 * The knob value as people read it: "0-3,8", "4096 131072 6291456", "interleave:0,1", "rx 512 tx 512",
 * "generic-receive-offload on tcp-segmentation-offload off".
 */
export function formatKnobValue(knob: KnobName, value: KnobValue): string {
  if (LIST_KNOBS.has(knob)) return formatCpuList(value as number[]);
  if (Array.isArray(value)) return value.join(" ");
  if (knob === "memory-policy") {
    const policy = value as MemoryPolicy;
    return policy.nodes.length > 0 ? `${policy.mode}:${formatCpuList(policy.nodes)}` : policy.mode;
  }
  if (knob === "nic-rings") {
    const rings = value as KnobValues["nic-rings"];
    return `rx ${rings.rx} tx ${rings.tx}`;
  }
  if (typeof value === "object" && value !== null) {
    return Object.entries(value)
      .map(([name, on]) => `${name} ${on ? "on" : "off"}`)
      .join(" ");
  }
  return String(value);
}
