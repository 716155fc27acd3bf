import type { KnobValues } from "../../src/backend.js";
import type { SchedulerName } from "../../src/catalog/device-catalog.js";
import type { PathSpec } from "../../src/catalog/network-catalog.js";
import type { Simulation } from "../kernel.js";
import type { BlockDevice } from "./block-device.js";
import type { CpuScheduler } from "./cpu-scheduler.js";
import type { FlowNetwork } from "./flow-network.js";
import type { LlcConfinement } from "./llc-confinement.js";

/** The host's TCP settings as the knobs set them (the host namespace). */
export interface TcpSettings {
  rmem: KnobValues["tcp-rmem"];
  wmem: KnobValues["tcp-wmem"];
  congestionControl: string;
  windowScaling: number;
  sack: number;
  timestamps: number;
  somaxconn: number;
  netdevMaxBacklog: number;
}

export interface PathLink {
  spec: PathSpec;
  /** Index of the path's bottleneck in the flow network. */
  link: number;
}

/** What every VM's request path shares on one host: CPUs, caches, memory, devices and network. */
export interface HostContext {
  sim: Simulation;
  cpu: CpuScheduler;
  /** Idle memory latency, ns, CPU node × memory node (the catalog's measured matrix). */
  latencyNs: number[][];
  /** Sustained memory bandwidth, bytes/s, of each node's controllers. */
  bandwidthBytesPerSec: number[];
  /** Memory-controller utilization per node over the last second (contention for the next). */
  controllerUtilization: number[];
  /** Adds memory traffic to the node counters. */
  recordMemoryTraffic(pageShares: readonly number[], bytes: number): void;
  /** Size of the last-level cache instance `llc`, bytes. */
  llcBytes(llc: number): number;
  l2Bytes: number;
  /** Cache-pressure weight of the threads currently running on each LLC instance. */
  llcWeight: Float64Array;
  /** The LLCs' allocation ways (0: no cache allocation) and the confined VMs' requests running on each. */
  llcConfinement: LlcConfinement;
  devices: Map<string, BlockDevice>;
  schedulerCpuUs(scheduler: SchedulerName): number;
  network: FlowNetwork;
  paths: Map<string, PathLink>;
  nicLink: number;
  tcp: TcpSettings;
  /** Extra loss from receive-ring overflow on the NIC (0 unless the ring is too small). */
  ringLossRate: number;
}
