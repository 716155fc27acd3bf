import { mkdir } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import type { CpuProfile } from "../flamegraph/cpuprofile.js";
import { CpuSampler } from "./cpu-sampler.js";
import { EventLoopMonitor, type EventLoopStats } from "./eventloop-monitor.js";
import { HeapSampler } from "./heap-sampler.js";
import { InspectorSession } from "./inspector-session.js";
import { type ControllerState, nextLevel, overheadLadder, type ProfilerLevel } from "./overhead-ladder.js";
import { OverheadMeter } from "./overhead-meter.js";
import { type ProfileType, pruneOldProfiles } from "./profile-files.js";
import { type ProfileRecord, WindowWriter } from "./window-writer.js";

export interface ProfilerConfig {
  /** CPU samples per second at full fidelity (default 100). */
  samplingHz?: number;
  /** What to profile (default ["cpu"]): "heap" is in-use heap sampling, "eventloop" delay and utilization. */
  types?: ProfileType[];
  outputDir: string;
  /** Profiles older than this are deleted (default 7). */
  retentionDays?: number;
  /** Highest estimated overhead, a fraction of wall time, before degrading (default 0.01). */
  overheadTarget?: number;
  /** Length of one profile (default 60 s, dd-trace's and Pyroscope's flush period). */
  windowSeconds?: number;
  /** Heap sampling interval in bytes (default 512 KiB). */
  heapIntervalBytes?: number;
  /** Estimated CPU cost of one sample in µs (default 40; see OverheadMeter). */
  perSampleMicros?: number;
  /** Called with errors from a background window (a full disk, say); profiling goes on. */
  onError?: (error: unknown) => void;
}

/** One closed window: what it cost and at what level it ran. */
export interface WindowReport {
  startTime: number;
  endTime: number;
  /** Estimated profiler cost as a fraction of the window's wall time (idle part of a duty cycle included). */
  overhead: number;
  /** The window's wall time, ms: its active part divided by the duty cycle. */
  wallMs: number;
  busyMs: number;
  samplingMs: number;
  level: ProfilerLevel;
  effectiveHz: number;
  eventLoop?: EventLoopStats;
}

/**
 * Profiles the Node process it runs in, continuously, in windows: V8 CPU samples (rotated
 * without a cold start), in-use heap samples and event-loop health, written as pprof and folded
 * files to outputDir. Its own cost is estimated every window; above the target it steps down
 * (heap off, lower rate, lower duty cycle) and steps back up when there is room.
 */
export class ContinuousProfiler {
  private readonly config: Required<Omit<ProfilerConfig, "onError">> & Pick<ProfilerConfig, "onError">;
  private readonly ladder: ProfilerLevel[];
  private readonly meter: OverheadMeter;
  private readonly writer: WindowWriter;
  private session: InspectorSession | undefined;
  private cpu: CpuSampler | undefined;
  private heap: HeapSampler | undefined;
  private readonly eventLoop = new EventLoopMonitor();
  private state: ControllerState = { level: 0, calm: 0 };
  private records: ProfileRecord[] = [];
  private readonly reports: WindowReport[] = [];
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private windowStart = 0;
  private activeSince = 0;
  private detach: (() => void) | undefined;

  constructor(config: ProfilerConfig) {
    this.config = {
      samplingHz: 100,
      types: ["cpu"],
      retentionDays: 7,
      overheadTarget: 0.01,
      windowSeconds: 60,
      heapIntervalBytes: 512 * 1024,
      perSampleMicros: 40,
      ...config,
    };
    if (!(this.config.samplingHz > 0 && this.config.samplingHz <= 10_000))
      throw new RangeError("samplingHz must be in (0, 10000]");
    if (!(this.config.windowSeconds > 0)) throw new RangeError("windowSeconds must be positive");
    this.ladder = overheadLadder(this.config.samplingHz, this.config.types.includes("heap"));
    this.meter = new OverheadMeter(this.config.perSampleMicros);
    this.writer = new WindowWriter(this.config.outputDir, this.meter);
  }

  get level(): ProfilerLevel {
    return this.ladder[this.state.level] as ProfilerLevel;
  }

  /** Starts profiling (and stops when `signal` aborts). Resolves once sampling runs. */
  async start(signal?: AbortSignal): Promise<void> {
    if (this.running) throw new Error("the profiler is already running");
    await mkdir(this.config.outputDir, { recursive: true });
    await pruneOldProfiles(this.config.outputDir, this.config.retentionDays, Date.now());
    this.session = new InspectorSession();
    this.session.connect();
    this.cpu = new CpuSampler(this.session);
    this.heap = new HeapSampler(this.session);
    this.running = true;
    if (this.config.types.includes("eventloop")) this.eventLoop.start();
    await this.beginActive();
    if (signal !== undefined) {
      const onAbort = () => void this.stop();
      if (signal.aborted) onAbort();
      signal.addEventListener("abort", onAbort, { once: true });
      this.detach = () => signal.removeEventListener("abort", onAbort);
    }
  }

  /** Stops profiling and writes the last window. */
  async stop(): Promise<void> {
    if (!this.running) return this.chain;
    this.running = false;
    clearTimeout(this.timer);
    this.detach?.();
    this.chain = this.chain.then(() => this.closeWindow(true));
    return this.chain;
  }

  /** The files written so far (and not yet pruned by retention). */
  profiles(): ProfileRecord[] {
    return [...this.records];
  }

  /** Closed windows, oldest first. */
  windows(): WindowReport[] {
    return [...this.reports];
  }

  /** The estimated overhead over all closed windows, weighted by their length (0 before the first). */
  averageOverhead(): number {
    let cost = 0;
    let wall = 0;
    for (const report of this.reports) {
      cost += report.overhead * report.wallMs;
      wall += report.wallMs;
    }
    return wall > 0 ? cost / wall : 0;
  }

  private schedule(ms: number, action: () => Promise<void>): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.chain = this.chain.then(action).catch((error) => this.config.onError?.(error));
    }, ms);
    this.timer.unref();
  }

  /** Starts the active part of a window at the current level (cold). */
  private async beginActive(): Promise<void> {
    if (!this.running) return;
    const level = this.level;
    this.windowStart = Date.now();
    this.activeSince = performance.now();
    if (this.config.types.includes("cpu")) await this.meter.time(() => this.cpu?.start(1e6 / level.hz));
    if (level.heap && !this.heap?.running) await this.meter.time(() => this.heap?.start(this.config.heapIntervalBytes));
    this.schedule(this.config.windowSeconds * 1000 * level.duty, () => this.closeWindow(false));
  }

  private async closeWindow(final: boolean): Promise<void> {
    const level = this.level;
    const continuing = !final && level.duty === 1;
    const endTime = Date.now();
    const activeMs = performance.now() - this.activeSince;
    let profile: CpuProfile | undefined;
    if (this.cpu?.running) profile = await this.meter.time(() => (continuing ? this.cpu?.rotate() : this.cpu?.stop()));
    const startTime = this.windowStart;
    this.windowStart = endTime;
    this.activeSince = performance.now();
    let samples = 0;
    if (profile !== undefined) {
      const written = await this.writer.cpu(profile, startTime, endTime, 1e6 / level.hz);
      samples = written.samples;
      this.records.push(...written.records);
    }
    if (this.heap?.running) {
      const snapshot = await this.meter.time(() => this.heap?.snapshot());
      if (snapshot !== undefined) {
        this.records.push(...(await this.writer.heap(snapshot, startTime, endTime, this.config.heapIntervalBytes)));
      }
    }
    let eventLoop: EventLoopStats | undefined;
    if (this.config.types.includes("eventloop")) {
      eventLoop = this.eventLoop.snapshot();
      this.records.push(...(await this.writer.eventLoop(eventLoop, startTime, endTime)));
    }
    const cycleMs = activeMs / level.duty;
    const cost = this.meter.closeWindow(cycleMs, samples);
    this.reports.push({
      startTime,
      endTime,
      ...cost,
      wallMs: cycleMs,
      level,
      effectiveHz: activeMs > 0 ? samples / (activeMs / 1000) : 0,
      ...(eventLoop === undefined ? {} : { eventLoop }),
    });
    this.state = nextLevel(this.state, cost.overhead, this.config.overheadTarget, this.ladder.length);
    await this.prune();
    if (final) return this.shutdown();
    await this.applyLevel(level, continuing, cycleMs - activeMs);
  }

  /** Moves to the controller's new level: heap on or off, and a cold restart for a new rate or after an idle gap. */
  private async applyLevel(previous: ProfilerLevel, continuing: boolean, idleMs: number): Promise<void> {
    const level = this.level;
    if (!level.heap && this.heap?.running) await this.meter.time(() => this.heap?.stop());
    if (continuing && level.hz === previous.hz) {
      if (level.heap && !this.heap?.running)
        await this.meter.time(() => this.heap?.start(this.config.heapIntervalBytes));
      this.schedule(this.config.windowSeconds * 1000 * level.duty, () => this.closeWindow(false));
      return;
    }
    // A new rate needs the sampler stopped (V8 refuses to change the interval of a running profile).
    if (this.cpu?.running) await this.meter.time(() => this.cpu?.stop());
    this.schedule(Math.max(0, idleMs), () => this.beginActive());
  }

  private async prune(): Promise<void> {
    const deleted = new Set(await pruneOldProfiles(this.config.outputDir, this.config.retentionDays, Date.now()));
    if (deleted.size > 0) this.records = this.records.filter((record) => !deleted.has(record.path));
  }

  private async shutdown(): Promise<void> {
    await this.heap?.stop();
    this.eventLoop.stop();
    await this.cpu?.close();
    this.session?.disconnect();
    this.session = undefined;
  }
}
