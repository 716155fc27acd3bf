import { performance } from "node:perf_hooks";
import type { CpuProfile } from "../flamegraph/cpuprofile.js";
import { makeFolders } from "../output-path.js";
import { CpuSampler } from "./cpu-sampler.js";
import { EventLoopMonitor, type EventLoopStats } from "./eventloop-monitor.js";
import { HeapSampler } from "./heap-sampler.js";
import { InspectorSession } from "./inspector-session.js";
import { type ControllerState, nextLevel, overheadLadder, type ProfilerLevel } from "./overhead-ladder.js";
import { OverheadMeter } from "./overhead-meter.js";
import { pruneOldProfiles } from "./profile-files.js";
import { type ProfilerConfig, type ResolvedConfig, resolveConfig } from "./profiler-config.js";
import { averageOverhead, type WindowReport } from "./window-report.js";
import { type ProfileRecord, WindowWriter } from "./window-writer.js";

/**
 * Profiles the Node process it runs in, continuously, in windows: V8 CPU samples (rotated
 * without a cold start), in-use heap samples and event-loop health, written as pprof and folded
 * files to outputDir. Its own cost is estimated every window; above the target it steps down
 * (heap off, lower rate, lower duty cycle) and steps back up when there is room.
 *
 * A duty cycle below 1 samples whole windows and then rests for (1/duty - 1) windows, rather
 * than sampling part of every window: each rest ends in a cold start (V8 logs all compiled code
 * again, and code runs measurably slower for a while after; bench:profiler's
 * firstPassAfterStartCpuRatioMedian), so fewer, longer rests cost less than one per window.
 */
export class ContinuousProfiler {
  private readonly config: ResolvedConfig;
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
  /** Between a duty cycle's windows: the sampler is stopped, and the last report counts the rest ahead. */
  private resting = false;
  private restEndsAt = 0;
  private detach: (() => void) | undefined;

  constructor(config: ProfilerConfig) {
    this.config = resolveConfig(config);
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
    makeFolders(this.config.outputDir);
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
    return averageOverhead(this.reports);
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
    this.resting = false;
    const level = this.level;
    this.windowStart = Date.now();
    this.activeSince = performance.now();
    if (this.config.types.includes("cpu")) await this.meter.time(() => this.cpu?.start(1e6 / level.hz));
    if (level.heap && !this.heap?.running) await this.meter.time(() => this.heap?.start(this.config.heapIntervalBytes));
    this.schedule(this.config.windowSeconds * 1000, () => this.closeWindow(false));
  }

  private async closeWindow(final: boolean): Promise<void> {
    // Stopped during a rest: nothing was sampled since the last window, whose report counted the
    // whole rest in its wall time; it keeps only the part that passed.
    if (final && this.resting) {
      const last = this.reports.at(-1);
      const unused = this.restEndsAt - performance.now();
      if (last !== undefined && unused > 0 && unused < last.wallMs) {
        last.overhead *= last.wallMs / (last.wallMs - unused);
        last.wallMs -= unused;
      }
      return this.shutdown();
    }
    const level = this.level;
    const continuing = !final && level.duty === 1;
    this.meter.readThreads();
    const endTime = Date.now();
    const activeMs = performance.now() - this.activeSince;
    let profile: CpuProfile | undefined;
    if (this.cpu?.running) profile = await this.meter.time(() => (continuing ? this.cpu?.rotate() : this.cpu?.stop()));
    const startTime = this.windowStart;
    this.windowStart = endTime;
    this.activeSince = performance.now();
    let samples = 0;
    // A failed write (a full disk, say) is reported and the window's data lost; profiling goes on.
    if (profile !== undefined) {
      const cpu = profile;
      const written = await this.safely(() => this.writer.cpu(cpu, startTime, endTime, 1e6 / level.hz));
      samples = written?.samples ?? 0;
      this.records.push(...(written?.records ?? []));
    }
    if (this.heap?.running) {
      const snapshot = await this.meter.time(() => this.heap?.snapshot());
      if (snapshot !== undefined) {
        const heap = snapshot;
        this.records.push(
          ...((await this.safely(() => this.writer.heap(heap, startTime, endTime, this.config.heapIntervalBytes))) ??
            []),
        );
      }
    }
    let eventLoop: EventLoopStats | undefined;
    if (this.config.types.includes("eventloop")) {
      const stats = this.eventLoop.snapshot();
      eventLoop = stats;
      this.records.push(...((await this.safely(() => this.writer.eventLoop(stats, startTime, endTime))) ?? []));
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
      this.schedule(this.config.windowSeconds * 1000, () => this.closeWindow(false));
      return;
    }
    // A new rate needs the sampler stopped (V8 refuses to change the interval of a running profile).
    this.meter.readThreads();
    if (this.cpu?.running) await this.meter.time(() => this.cpu?.stop());
    this.resting = true;
    this.restEndsAt = performance.now() + Math.max(0, idleMs);
    this.schedule(Math.max(0, idleMs), () => this.beginActive());
  }

  private async safely<T>(work: () => Promise<T>): Promise<T | undefined> {
    try {
      return await work();
    } catch (error) {
      this.config.onError?.(error);
      return undefined;
    }
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
