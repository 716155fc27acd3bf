import type { MemoryPolicy, PurchaseOption } from "../../src/backend.js";
import { type CongestionControl, flowThroughputBps, transferSeconds } from "../../src/math/tcp-throughput.js";
import { LogHistogram } from "../../src/metrics/log-histogram.js";
import type { VmConfig } from "../../src/scenario/scenario-schema.js";
import { CACHE_LINE_BYTES, llcShareBytes } from "../physics/cache-miss.js";
import { cpuPhase } from "../physics/cpu-phase.js";
import { memoryLatencyNs, remoteShare } from "../physics/memory-latency.js";
import type { RandomStream, RandomStreams } from "../rng.js";
import { arrivalRate } from "./arrivals.js";
import type { IoRequest } from "./block-device.js";
import type { RunningPhase } from "./cpu-scheduler.js";
import { SHORT_FLOW_BYTES } from "./flow-network.js";
import type { HostContext, PathLink } from "./host-context.js";
import { MemoryPlacement } from "./memory-placement.js";

const MS = 1e6;
/** Linux retransmits a dropped SYN after 1 s (initial RTO, RFC 6298); clients give up after 3 tries. */
const SYN_RETRY_MS = 1000;
const SYN_TRIES = 3;

interface Request extends RunningPhase {
  arrivedNs: number;
  /** When its CPU phase started, ns. */
  cpuStartNs: number;
  client: number;
  tries: number;
  vcpu: number;
  cpu: number;
  llc: number;
  weight: number;
  /** The VM's llc-ways when the request started (0: not confined), so its end undoes the same. */
  confinedWays: number;
  ioLeft: number;
  capBps: number;
}

/** What one VM did over an observation interval. */
export class VmIntervalStats {
  completions = 0;
  errors = 0;
  /** Response times in microseconds (HDR-style, within 0.2%: constant memory however many requests). */
  latencyUs = new LogHistogram();
  cpuBusyNs = 0;
  vcpuWaitNs = 0;
  misses = 0;
  remoteMisses = 0;
  ios = 0;
  networkBytes = 0;
}

/**
 * One VM serving requests, per request: arrival (open Poisson or closed-loop clients), a wait
 * for a vCPU, a CPU phase whose length comes from the host's state when it starts (SMT sibling,
 * time sharing, cache share, NUMA placement, migration), the request's I/Os through the block
 * layer, then its response over a network path as a TCP flow.
 */
export class VmService {
  stats = new VmIntervalStats();
  vcpus: number;
  memoryBytes: number;
  /** On-demand price of the VM's current type; what it pays depends on the purchase option. */
  onDemandHourlyUsd: number;
  purchaseOption: PurchaseOption = "on-demand";
  /** Discount of the current purchase option below on-demand (0 on demand). */
  purchaseDiscount = 0;
  instanceType: string | undefined;
  allowedCpus: number[];
  memoryPolicy: MemoryPolicy;
  /** Ways of each LLC the VM's lines may fill (cache allocation); undefined: not confined. */
  llcWays: number | undefined;
  readonly placement: MemoryPlacement;
  private readonly lastCpu: number[] = [];
  private freeVcpus: number[] = [];
  private retired = 0;
  private readonly waiting: Request[] = [];
  private waitingHead = 0;
  private readonly llcThreads: Int32Array;
  private readonly cacheIntensity: number;
  private sequentialPosition = 0;
  private prefetchedBytes = 0;
  private readonly work: RandomStream;
  private readonly arrivals: RandomStream;
  private readonly io: RandomStream;
  // Handlers bound once, so scheduling an event allocates no closure.
  private readonly onArrive = (request: Request) => this.arrive(request);
  private readonly onEndCpu = (request: Request) => this.endCpu(request);
  private readonly onServed = (request: Request) => this.finish(request, true);
  private readonly onNetworkStart = (request: Request) => this.transfer(request);

  /** What the VM costs per hour now. */
  get hourlyUsd(): number {
    return this.onDemandHourlyUsd * (1 - this.purchaseDiscount);
  }

  /** Called when a connection finds the accept queue full (the host counts ListenOverflows). */
  onListenOverflow: () => void = () => {};

  constructor(
    private readonly ctx: HostContext,
    readonly config: VmConfig,
    readonly index: number,
    streams: RandomStreams,
    allowedCpus: number[],
    initialPages: number[],
    llcCount: number,
  ) {
    this.vcpus = config.vcpus;
    this.memoryBytes = config.memoryGiB * 1024 ** 3;
    this.onDemandHourlyUsd = config.hourlyUsd ?? 0;
    this.instanceType = config.instanceType;
    this.allowedCpus = allowedCpus;
    this.memoryPolicy = { mode: config.memory.mode, nodes: [...config.memory.nodes] };
    this.llcWays = undefined;
    this.placement = new MemoryPlacement(initialPages);
    for (let v = 0; v < this.vcpus; v++) {
      this.lastCpu.push(-1);
      this.freeVcpus.push(this.vcpus - 1 - v);
    }
    this.llcThreads = new Int32Array(llcCount);
    const request = config.workload.request;
    this.cacheIntensity = Math.max(1e-9, request.memoryAccesses / request.cpuMs);
    this.work = streams.stream(`vm/${config.name}/work`);
    this.arrivals = streams.stream(`vm/${config.name}/arrivals`);
    this.io = streams.stream(`vm/${config.name}/io`);
    this.sequentialPosition = this.io.uniform();
  }

  /** Starts the workload's arrivals. */
  start(): void {
    const arrivals = this.config.workload.arrivals;
    if ("clients" in arrivals) {
      for (let client = 0; client < arrivals.clients; client++) this.think(client);
    } else {
      this.scheduleOpenArrival();
    }
  }

  /** Changes the vCPU count (an instance-type change); retiring vCPUs finish their request first. */
  resize(vcpus: number, memoryBytes: number): void {
    this.memoryBytes = memoryBytes;
    while (this.vcpus < vcpus) {
      const vcpu = this.lastCpu.length;
      this.lastCpu.push(-1);
      if (this.retired > 0) this.retired--;
      else this.releaseVcpu(vcpu);
      this.vcpus++;
    }
    while (this.vcpus > vcpus) {
      const free = this.freeVcpus.pop();
      if (free === undefined) this.retired++;
      this.vcpus--;
    }
  }

  private think(client: number): void {
    const arrivals = this.config.workload.arrivals;
    const thinkMs = "clients" in arrivals ? arrivals.thinkMs : 0;
    const delay = thinkMs > 0 ? Math.round(this.arrivals.exponential(1 / thinkMs) * MS) : 0;
    this.ctx.sim.schedule(delay, this.onArrive, this.newRequest(client));
  }

  private scheduleOpenArrival(): void {
    const arrivals = this.config.workload.arrivals;
    if ("clients" in arrivals) return;
    const ctx = this.ctx;
    const rate = arrivalRate(arrivals, ctx.sim.now / MS);
    // A zero rate (a trough of a season) waits a second and looks again.
    const delayNs = rate > 0 ? Math.round(this.arrivals.exponential(rate) * 1e9) : 1e9;
    ctx.sim.schedule(delayNs, () => {
      if (rate > 0) this.arrive(this.newRequest(-1));
      this.scheduleOpenArrival();
    });
  }

  private newRequest(client: number): Request {
    return {
      arrivedNs: -1,
      client,
      tries: 1,
      vcpu: -1,
      cpu: -1,
      llc: -1,
      weight: 0,
      confinedWays: 0,
      ioLeft: 0,
      capBps: 0,
      cpuStartNs: 0,
      cpuWorkMs: 0,
      stallWorkMs: 0,
      progress: 0,
      since: 0,
      wallNs: 0,
      endHandle: -1,
      affinity: this,
      onEnd: this.onEndCpu as (phase: RunningPhase) => void,
    };
  }

  private arrive(request: Request): void {
    const ctx = this.ctx;
    // A closed-loop client's request is created when its think time starts; it arrives now.
    if (request.arrivedNs < 0) request.arrivedNs = ctx.sim.now;
    const queued = this.waiting.length - this.waitingHead;
    if (queued >= ctx.tcp.somaxconn) {
      // Accept queue full: the SYN is dropped and the client retries after the initial RTO.
      this.onListenOverflow();
      if (request.tries < SYN_TRIES) {
        request.tries++;
        ctx.sim.schedule(SYN_RETRY_MS * MS, this.onArrive, request);
      } else {
        this.finish(request, false);
      }
      return;
    }
    const vcpu = this.freeVcpus.pop();
    if (vcpu === undefined) this.waiting.push(request);
    else this.beginCpu(request, vcpu);
  }

  private beginCpu(request: Request, vcpu: number): void {
    const ctx = this.ctx;
    const now = ctx.sim.now;
    const spec = this.config.workload.request;
    this.stats.vcpuWaitNs += now - request.arrivedNs;
    const previous = this.lastCpu[vcpu] as number;
    const placed = ctx.cpu.place(this.allowedCpus, previous, now);
    const llc = ctx.cpu.llcOfCpu(placed.cpu);
    const node = ctx.cpu.nodeOfCpu(placed.cpu);
    request.vcpu = vcpu;
    request.cpu = placed.cpu;
    request.llc = llc;
    request.weight = this.cacheIntensity;
    request.confinedWays = this.llcWays ?? 0;
    this.llcThreads[llc] = (this.llcThreads[llc] as number) + 1;
    ctx.llcWeight[llc] = (ctx.llcWeight[llc] as number) + this.cacheIntensity;
    if (request.confinedWays > 0) ctx.llcConfinement.add(llc, this.cacheIntensity, request.confinedWays);

    // Memory: misses from the cache share this VM gets on this LLC, latency from page placement.
    const confinedWeight = ctx.llcConfinement.weightOn(llc);
    const cacheShareBytes = llcShareBytes(
      {
        cacheBytes: ctx.llcBytes(llc),
        totalWeight: ctx.llcWeight[llc] as number,
        confinedWeight,
        ways: ctx.llcConfinement.ways,
        confinedWays: confinedWeight > 0 ? ctx.llcConfinement.waysOn(llc) : 0,
      },
      (this.llcThreads[llc] as number) * this.cacheIntensity,
      this.llcWays,
    );
    const pages = this.placement.sharesAt(now);
    const workingSet = spec.workingSetMiB * 1024 * 1024;
    let refillBytes = 0;
    if (placed.migrated === "llc") refillBytes = Math.min(workingSet, cacheShareBytes);
    else if (placed.migrated === "core") refillBytes = Math.min(workingSet, ctx.l2Bytes);

    // CPU: the request's own work plus the kernel's per-I/O path and the I/O scheduler's cost.
    const cpuMs = spec.cpuCv > 0 ? this.work.lognormalMeanCv(spec.cpuMs, spec.cpuCv) : spec.cpuMs;
    request.ioLeft = this.countIos();
    let ioCpuMs = 0;
    if (spec.io !== undefined && request.ioLeft > 0) {
      const device = ctx.devices.get(spec.io.device);
      if (device !== undefined)
        ioCpuMs = (request.ioLeft * (device.spec.pathCpuUs + ctx.schedulerCpuUs(device.scheduler))) / 1000;
    }
    // The phase's work on an idle core; the scheduler runs it at the speed and sharing its CPU
    // has from moment to moment.
    const { wallMs, misses } = cpuPhase(spec, cpuMs, {
      speed: 1,
      sharing: 1,
      cacheShareBytes,
      memoryLatencyNs: memoryLatencyNs(ctx.latencyNs, node, pages, ctx.controllerUtilization),
      refillBytes,
      ioCpuMs,
    });
    ctx.recordMemoryTraffic(pages, misses * CACHE_LINE_BYTES);
    this.stats.misses += misses;
    this.stats.remoteMisses += misses * remoteShare(node, pages);
    request.cpuWorkMs = cpuMs + ioCpuMs;
    request.stallWorkMs = Math.max(0, wallMs - request.cpuWorkMs);
    request.cpuStartNs = now;
    ctx.cpu.start(request, now);
  }

  private endCpu(request: Request): void {
    const ctx = this.ctx;
    const now = ctx.sim.now;
    this.stats.cpuBusyNs += now - request.cpuStartNs;
    ctx.cpu.end(request, now);
    this.llcThreads[request.llc] = (this.llcThreads[request.llc] as number) - 1;
    ctx.llcWeight[request.llc] = Math.max(0, (ctx.llcWeight[request.llc] as number) - request.weight);
    if (request.confinedWays > 0) ctx.llcConfinement.remove(request.llc, request.weight, request.confinedWays);
    this.lastCpu[request.vcpu] = request.cpu;
    this.releaseVcpu(request.vcpu);
    this.startIo(request);
  }

  private releaseVcpu(vcpu: number): void {
    if (this.retired > 0) {
      this.retired--;
      return;
    }
    if (this.waitingHead < this.waiting.length) {
      const next = this.waiting[this.waitingHead++] as Request;
      if (this.waitingHead > 1024 && this.waitingHead * 2 > this.waiting.length) {
        this.waiting.splice(0, this.waitingHead);
        this.waitingHead = 0;
      }
      this.beginCpu(next, vcpu);
    } else {
      this.freeVcpus.push(vcpu);
    }
  }

  /** Whole I/Os this request issues: the integer part of reads + writes, plus one with the fractional part's probability. */
  private countIos(): number {
    const io = this.config.workload.request.io;
    if (io === undefined) return 0;
    const mean = io.reads + io.writes;
    const whole = Math.floor(mean);
    return whole + (this.io.uniform() < mean - whole ? 1 : 0);
  }

  private startIo(request: Request): void {
    const io = this.config.workload.request.io;
    const device = io === undefined ? undefined : this.ctx.devices.get(io.device);
    if (io === undefined || device === undefined || request.ioLeft === 0) {
      this.startNetwork(request);
      return;
    }
    const writeShare = io.writes / (io.reads + io.writes);
    const size = io.sizeKiB * 1024;
    const count = request.ioLeft;
    let issued = 0;
    const done = (): void => {
      if (--request.ioLeft === 0) this.startNetwork(request);
    };
    for (let i = 0; i < count; i++) {
      const write = this.io.uniform() < writeShare;
      let bytes = size;
      let position: number;
      if (io.pattern === "sequential") {
        if (!write && io.readahead !== "direct") {
          // Read-ahead: the page cache serves this read if the last read-ahead covered it.
          if (this.prefetchedBytes >= size) {
            this.prefetchedBytes -= size;
            continue;
          }
          bytes = Math.max(size, device.readAheadKb * 1024);
          this.prefetchedBytes += bytes - size;
        }
        // A stream stays in its region: the head finds it where it left it unless others moved it.
        position = this.sequentialPosition;
      } else {
        position = this.io.uniform();
        // Faults on a memory-mapped file read around the faulting page: the window, mostly wasted.
        if (!write && io.readahead === "mmap") bytes = Math.max(size, device.readAheadKb * 1024);
      }
      issued++;
      this.stats.ios++;
      const ioRequest: IoRequest = {
        owner: this.index,
        bytes,
        write,
        position,
        sequential: io.pattern === "sequential",
        submittedNs: this.ctx.sim.now,
        done,
      };
      device.submit(ioRequest);
    }
    // Reads served from the page cache need no device: count them done.
    request.ioLeft -= count - issued;
    if (request.ioLeft === 0) this.startNetwork(request);
  }

  private startNetwork(request: Request): void {
    const network = this.config.workload.request.network;
    const ctx = this.ctx;
    const path = network === undefined ? undefined : ctx.paths.get(network.path);
    if (network === undefined || path === undefined) {
      this.finish(request, true);
      return;
    }
    const capBps = this.flowCapBps(path);
    this.stats.networkBytes += network.bytes;
    // Round trips before data flows (the request, slow start on a cold connection), then the transfer.
    const rttSeconds = path.spec.rttMs / 1000;
    const links = [path.link, ctx.nicLink];
    if (network.bytes < SHORT_FLOW_BYTES) {
      // A short response: one event for the whole exchange, at the links' spare rate now.
      const rate = ctx.network.shortFlowRate(links, capBps);
      ctx.network.account(links, network.bytes);
      const seconds = transferSeconds(network.bytes, rate, rttSeconds, network.warm);
      ctx.sim.schedule(Math.max(1, Math.round(seconds * 1e9)), this.onServed, request);
      return;
    }
    const setupSeconds =
      transferSeconds(network.bytes, capBps, rttSeconds, network.warm) - (network.bytes * 8) / capBps;
    request.capBps = capBps;
    ctx.sim.schedule(Math.max(0, Math.round(setupSeconds * 1e9)), this.onNetworkStart, request);
  }

  private transfer(request: Request): void {
    const network = this.config.workload.request.network;
    const path = network === undefined ? undefined : this.ctx.paths.get(network.path);
    if (network === undefined || path === undefined) return;
    this.ctx.network.start([path.link, this.ctx.nicLink], network.bytes, request.capBps, this.onServed, request);
  }

  /** What one TCP flow on `path` can sustain with the host's current settings. */
  private flowCapBps(path: PathLink): number {
    const ctx = this.ctx;
    const tcp = ctx.tcp;
    return flowThroughputBps({
      shareBps: path.spec.bandwidthMbps * 1e6,
      rttSeconds: path.spec.rttMs / 1000,
      lossRate: Math.min(0.5, path.spec.lossRate + ctx.ringLossRate),
      congestionControl: tcp.congestionControl as CongestionControl,
      receiveBufferBytes: tcp.rmem[2],
      sendBufferBytes: tcp.wmem[2],
      windowScaling: tcp.windowScaling === 1,
      sack: tcp.sack === 1,
    });
  }

  private finish(request: Request, served: boolean): void {
    const ctx = this.ctx;
    const latencyNs = ctx.sim.now - request.arrivedNs;
    if (served && latencyNs <= this.config.workload.timeoutMs * MS) {
      this.stats.completions++;
      this.stats.latencyUs.record(latencyNs / 1000);
    } else {
      this.stats.errors++;
    }
    if (request.client >= 0) this.think(request.client);
  }
}
