import type { Topology } from "../../src/backend.js";
import type { SchedulerName } from "../../src/catalog/device-catalog.js";
import { hostTopology } from "../../src/catalog/host-topology.js";
import { parseCpuList } from "../../src/cpulist.js";
import type { ResolvedScenario } from "../../src/scenario/load-scenario.js";
import { Simulation } from "../kernel.js";
import { RandomStreams } from "../rng.js";
import { BlockDevice } from "./block-device.js";
import { CpuScheduler } from "./cpu-scheduler.js";
import { FlowNetwork } from "./flow-network.js";
import type { HostContext, PathLink } from "./host-context.js";
import { LlcConfinement } from "./llc-confinement.js";
import { VmService } from "./vm-service.js";

const SECOND_NS = 1e9;

/** A NIC's rx ring and settings as the knobs left them. */
export interface InterfaceState {
  name: string;
  speedMbps: number;
  rxRing: number;
  txRing: number;
  maxRing: number;
  link: number;
}

/**
 * One simulated host running its VMs at per-request fidelity: the kernel, the CPU scheduler,
 * caches and NUMA memory, block devices and network paths, assembled from a scenario. The
 * SimBackend drives it; observations are built by `twin-observation.ts` and knobs set by
 * `twin-knobs.ts`.
 */
export class HostTwin {
  readonly sim = new Simulation();
  readonly streams: RandomStreams;
  readonly topology: Topology;
  readonly ctx: HostContext;
  readonly vms: VmService[];
  readonly interfaces: InterfaceState[];
  /** SYNs dropped on full accept queues since the last observation. */
  listenOverflows = 0;
  private readonly trafficBytes: number[];
  private started = false;

  constructor(
    readonly resolved: ResolvedScenario,
    seed: number = resolved.scenario.seed,
  ) {
    const { scenario, host } = resolved;
    this.streams = new RandomStreams(seed);
    this.topology = hostTopology(host, scenario.host.name);
    const caches = this.topology.caches;
    const llcLevel = Math.max(...caches.map((cache) => cache.level));
    const llcs = caches.filter((cache) => cache.level === llcLevel);
    const llcOf = new Map<number, number>();
    llcs.forEach((cache, index) => {
      for (const cpu of cache.sharedCpus) llcOf.set(cpu, index);
    });
    const l2 = caches.find((cache) => cache.level === 2);
    const cpu = new CpuScheduler(this.topology.cpus, (id) => llcOf.get(id) ?? 0, host.smtPairThroughput, this.sim);

    const capacities: number[] = [];
    const paths = new Map<string, PathLink>();
    for (const path of resolved.paths) {
      paths.set(path.name, { spec: path, link: capacities.length });
      capacities.push(path.bandwidthMbps * 1e6);
    }
    this.interfaces = scenario.host.interfaces.map((nic) => {
      capacities.push(nic.speedMbps * 1e6);
      return { ...nic, link: capacities.length - 1 };
    });
    const network = new FlowNetwork(this.sim, capacities);

    const devices = new Map<string, BlockDevice>();
    resolved.devices.forEach(({ name, spec }, i) => {
      const config = scenario.host.devices[i];
      if (config === undefined) return;
      const initial = {
        scheduler: config.scheduler as SchedulerName,
        readAheadKb: config.readAheadKb,
        ...(config.nrRequests === undefined ? {} : { nrRequests: config.nrRequests }),
      };
      devices.set(name, new BlockDevice(this.sim, name, spec, initial, this.streams.stream(`device/${name}`)));
    });

    this.trafficBytes = host.nodes.map(() => 0);
    const sysctls = scenario.host.sysctls;
    this.ctx = {
      sim: this.sim,
      cpu,
      latencyNs: host.memory.latencyNs,
      bandwidthBytesPerSec: host.memory.bandwidthGBps.map((row, node) => (row[node] as number) * 1e9),
      controllerUtilization: host.nodes.map(() => 0),
      recordMemoryTraffic: (pageShares, bytes) => {
        pageShares.forEach((share, node) => {
          this.trafficBytes[node] = (this.trafficBytes[node] as number) + share * bytes;
        });
      },
      llcBytes: (index) => llcs[index]?.sizeBytes ?? 0,
      l2Bytes: l2?.sizeBytes ?? 256 * 1024,
      llcWeight: new Float64Array(llcs.length),
      llcConfinement: new LlcConfinement(llcs.length, llcs[0]?.allocationWays ?? 0),
      devices,
      schedulerCpuUs: (scheduler) => resolved.schedulers[scheduler].cpuUs,
      network,
      paths,
      nicLink: this.interfaces[0]?.link ?? capacities.length,
      tcp: {
        rmem: [...sysctls.tcpRmem],
        wmem: [...sysctls.tcpWmem],
        congestionControl: sysctls.congestionControl,
        windowScaling: sysctls.windowScaling,
        sack: sysctls.sack,
        timestamps: sysctls.timestamps,
        somaxconn: sysctls.somaxconn,
        netdevMaxBacklog: sysctls.netdevMaxBacklog,
      },
      ringLossRate: 0,
    };

    const allCpus = this.topology.cpus.map((c) => c.id);
    this.vms = scenario.vms.map((vm, index) => {
      const allowed = vm.affinity === undefined ? allCpus : parseCpuList(vm.affinity);
      const pages = vm.memory.pages ?? host.nodes.map(() => 1);
      const service = new VmService(this.ctx, vm, index, this.streams, allowed, pages, llcs.length);
      service.onListenOverflow = () => {
        this.listenOverflows++;
      };
      return service;
    });
  }

  /** Starts arrivals and the once-a-second bookkeeping. Idempotent. */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const vm of this.vms) vm.start();
    this.sim.schedule(SECOND_NS, () => this.tick());
  }

  /** Runs the simulation until `ns`. */
  runUntil(ns: number): void {
    this.start();
    if (ns > this.sim.now) this.sim.run({ until: ns });
  }

  /**
   * Each second: memory-controller utilization from the traffic of the second before (the
   * contention the next second's accesses see), and NIC receive-ring overflow from the packet
   * rate: a ring must hold the packets arriving during one interrupt-coalescing interval
   * (50 µs, estimate) with 8x burstiness; the shortfall's share of packets is dropped.
   */
  private tick(): void {
    this.trafficBytes.forEach((bytes, node) => {
      this.ctx.controllerUtilization[node] = Math.min(0.95, bytes / (this.ctx.bandwidthBytesPerSec[node] as number));
      this.trafficBytes[node] = 0;
    });
    const nic = this.interfaces[0];
    if (nic !== undefined) {
      const carried = this.ctx.network.carriedBits()[nic.link] ?? 0;
      const packetsPerSec = (carried - this.nicBitsAtTick) / 8 / 1500;
      this.nicBitsAtTick = carried;
      const needed = packetsPerSec * 50e-6 * 8;
      this.ctx.ringLossRate = needed > nic.rxRing ? (needed - nic.rxRing) / needed / 100 : 0;
    }
    this.sim.schedule(SECOND_NS, () => this.tick());
  }

  private nicBitsAtTick = 0;
}
