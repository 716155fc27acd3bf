import { performance } from "node:perf_hooks";
import { isMainThread } from "node:worker_threads";
import { ThreadCpuTracker, threadCpuMs, V8_PROFILER_THREAD } from "./thread-cpu.js";

/**
 * Estimates the profiler's own cost per window, as a fraction of wall time, from three parts:
 * - the CPU time of the profiler's own work on the JavaScript thread (starting, rotating and
 *   stopping profiles, converting, encoding, compressing), timed directly;
 * - the CPU time of V8's profiler thread, which symbolizes every sample, read from Linux's
 *   /proc/self/task/TID/schedstat (measured 140–250 µs per sample on this project's shared
 *   2-vCPU machines: 1.7–3.5% of a busy thread at 100 Hz; `npm run -s bench:profiler`);
 * - samples × a per-sample cost for what is not read: the signal and stack walk on the
 *   JavaScript thread, measured as too small to see (JS_THREAD_MICROS_PER_SAMPLE).
 * Where /proc is missing the whole per-sample cost is estimated: 40 µs, the slope measured at
 * 1 kHz and 10 kHz on this machine class (38 and 42 µs, ../shared/reference/profiling.md §5.2).
 */
export class OverheadMeter {
  private busyMs = 0;
  private threadMs = 0;
  private readonly tracker = new ThreadCpuTracker(V8_PROFILER_THREAD);
  private readonly measured: boolean;
  private readonly clock: () => number;
  readonly perSampleMicros: number;

  constructor(perSampleMicros?: number) {
    this.measured = this.tracker.take() !== undefined;
    const cpu = () => threadCpuMs(process.pid);
    this.clock = isMainThread && cpu() !== undefined ? () => cpu() as number : () => performance.now();
    this.perSampleMicros = perSampleMicros ?? (this.measured ? JS_THREAD_MICROS_PER_SAMPLE : 40);
  }

  /**
   * Runs `work` and counts it as profiler time: the main thread's CPU time where Linux shows it
   * (so being preempted on a busy machine does not count), else the wall time. The inspector
   * answers synchronously, so the awaits inside do not let the application run meanwhile.
   */
  async time<T>(work: () => Promise<T> | T): Promise<T> {
    const start = this.clock();
    try {
      return await work();
    } finally {
      this.busyMs += this.clock() - start;
    }
  }

  /** Reads V8's profiler thread now: call before a stop, which ends the thread and its last reading. */
  readThreads(): void {
    this.threadMs += this.tracker.take() ?? 0;
  }

  /** Closes a window of `wallMs` with `samples` CPU samples taken; returns its overhead and starts the next. */
  closeWindow(
    wallMs: number,
    samples: number,
  ): { overhead: number; busyMs: number; samplingMs: number; profilerThreadMs: number } {
    this.readThreads();
    const profilerThreadMs = this.threadMs;
    const samplingMs = (samples * this.perSampleMicros) / 1000 + profilerThreadMs;
    const busyMs = this.busyMs;
    this.busyMs = 0;
    this.threadMs = 0;
    const overhead = wallMs > 0 ? (busyMs + samplingMs) / wallMs : 0;
    return { overhead, busyMs, samplingMs, profilerThreadMs };
  }
}

/**
 * The JavaScript thread's share of one sample (the SIGPROF handler and stack walk) when the
 * profiler thread is measured apart: `npm run -s bench:profiler` found the main thread's CPU
 * unchanged by sampling at 100 Hz (median −2 µs per sample, main-thread ratio 0.9996 against an
 * A/A floor of 0.992), below what it can resolve, so nothing is added for it.
 */
export const JS_THREAD_MICROS_PER_SAMPLE = 0;
