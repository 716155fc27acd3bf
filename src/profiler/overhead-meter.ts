import { performance } from "node:perf_hooks";
import { isMainThread } from "node:worker_threads";
import { ThreadCpuTracker, threadCpuMs, threadKernelMs, V8_PROFILER_THREAD } from "./thread-cpu.js";

/**
 * Estimates the profiler's own cost per window, as a fraction of wall time, from four parts:
 * - the CPU time of the profiler's own work on the JavaScript thread (starting, rotating and
 *   stopping profiles, converting, encoding, compressing), timed directly;
 * - the CPU time of V8's profiler thread, which sends the signal for every sample and symbolizes
 *   it, read from Linux's /proc/self/task/TID/schedstat (140–170 µs per sample on this project's
 *   2-vCPU VMs: 1.4–1.7% of a busy thread at 100 Hz; `npm run -s bench:profiler`);
 * - the JavaScript thread's kernel time receiving those signals, which cannot be told apart from
 *   its other kernel time while it runs, so it is charged as the profiler thread's kernel time
 *   (sending them) times SIGNAL_RECEIVE_PER_SEND: the bench measured the two sides alike, both
 *   set by how expensive the machine makes a signal (see that constant);
 * - samples × a per-sample cost for what is not read: the JavaScript thread's user time in the
 *   handler's stack walk, measured as too small to see (JS_THREAD_MICROS_PER_SAMPLE).
 * Where /proc is missing the whole per-sample cost is estimated: 40 µs, the slope measured at
 * 1 kHz and 10 kHz on this machine class (38 and 42 µs: (CPU ratio - 1) / effective Hz from
 * `npm run -s bench:profiler -- 1000` and `-- 10000`).
 */
export class OverheadMeter {
  private busyMs = 0;
  private threadMs = 0;
  private kernelMs = 0;
  private readonly tracker = new ThreadCpuTracker(V8_PROFILER_THREAD);
  private readonly kernelTracker = new ThreadCpuTracker(V8_PROFILER_THREAD, threadKernelMs);
  private readonly measured: boolean;
  private readonly clock: () => number;
  readonly perSampleMicros: number;

  constructor(perSampleMicros?: number) {
    this.measured = this.tracker.take() !== undefined;
    this.kernelTracker.take();
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
    this.kernelMs += this.kernelTracker.take() ?? 0;
  }

  /** Closes a window of `wallMs` with `samples` CPU samples taken; returns its overhead and starts the next. */
  closeWindow(
    wallMs: number,
    samples: number,
  ): { overhead: number; busyMs: number; samplingMs: number; profilerThreadMs: number; signalReceiveMs: number } {
    this.readThreads();
    const profilerThreadMs = this.threadMs;
    const signalReceiveMs = this.kernelMs * SIGNAL_RECEIVE_PER_SEND;
    const samplingMs = (samples * this.perSampleMicros) / 1000 + profilerThreadMs + signalReceiveMs;
    const busyMs = this.busyMs;
    this.busyMs = 0;
    this.threadMs = 0;
    this.kernelMs = 0;
    const overhead = wallMs > 0 ? (busyMs + samplingMs) / wallMs : 0;
    return { overhead, busyMs, samplingMs, profilerThreadMs, signalReceiveMs };
  }
}

/**
 * The JavaScript thread's kernel time per sample (receiving SIGPROF) per unit of the profiler
 * thread's kernel time (sending it and waiting for the next): `npm run -s bench:profiler`'s
 * profiler-cpu-split measured 62–104 µs sent against 70–140 µs received per sample on this
 * project's VMs, where a signal costs a hypervisor exit (perf: pvm_irq_enable). Both sides are
 * the same kernel paths, so one scales with the other on any machine; 1 is the low end.
 */
export const SIGNAL_RECEIVE_PER_SEND = 1;

/**
 * The JavaScript thread's user time per sample (the SIGPROF handler's stack walk) when the
 * profiler thread is measured apart: `npm run -s bench:profiler` found the main thread's user
 * time unchanged by sampling at 100 Hz (its kernel share rose, and that part is charged through
 * SIGNAL_RECEIVE_PER_SEND), below what it can resolve, so nothing is added for it.
 */
export const JS_THREAD_MICROS_PER_SAMPLE = 0;
