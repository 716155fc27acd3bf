import { performance } from "node:perf_hooks";

/**
 * Estimates the profiler's own cost per window, as a fraction of wall time:
 *   (time the profiler's own work held the JavaScript thread + samples × per-sample cost) / window.
 * The first part is timed directly (starting, rotating and stopping profiles, converting,
 * encoding, compressing, writing). The second cannot be: V8's sampler interrupts the thread to
 * walk its stack, and Node 20 has no per-thread CPU clock (process.threadCpuUsage comes in 22.15).
 * Its default, 40 µs per sample, is the slope measured on this project's 2-vCPU machines at 1 kHz
 * and 10 kHz (38 and 42 µs: ../shared/reference/profiling.md §5.2); `npm run -s bench:profiler`
 * measures the whole cost again and reports how the estimate compares.
 */
export class OverheadMeter {
  private busyMs = 0;

  constructor(readonly perSampleMicros = 40) {}

  /** Runs `work` and counts its duration as profiler time (including its awaits: the thread is ours meanwhile only in part, so this errs high). */
  async time<T>(work: () => Promise<T> | T): Promise<T> {
    const start = performance.now();
    try {
      return await work();
    } finally {
      this.busyMs += performance.now() - start;
    }
  }

  /** Counts `ms` of profiler work measured elsewhere. */
  add(ms: number): void {
    this.busyMs += ms;
  }

  /** Closes a window of `wallMs` with `samples` CPU samples taken; returns its overhead and starts the next. */
  closeWindow(wallMs: number, samples: number): { overhead: number; busyMs: number; samplingMs: number } {
    const samplingMs = (samples * this.perSampleMicros) / 1000;
    const busyMs = this.busyMs;
    this.busyMs = 0;
    const overhead = wallMs > 0 ? (busyMs + samplingMs) / wallMs : 0;
    return { overhead, busyMs, samplingMs };
  }
}
