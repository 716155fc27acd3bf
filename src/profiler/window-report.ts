import type { EventLoopStats } from "./eventloop-monitor.js";
import type { ProfilerLevel } from "./overhead-ladder.js";

/** One closed window: what it cost and at what level it ran. */
export interface WindowReport {
  startTime: number;
  endTime: number;
  /** Estimated profiler cost as a fraction of the window's wall time (idle part of a duty cycle included). */
  overhead: number;
  /** The window's wall time, ms: its active part divided by the duty cycle (the rest that follows it included). */
  wallMs: number;
  /** The profiler's own work on the JavaScript thread, ms. */
  busyMs: number;
  /** The cost of sampling, ms: V8's profiler thread (measured on Linux), the signals' receiving end and the per-sample estimate. */
  samplingMs: number;
  /** CPU of V8's profiler thread in the window, ms (0 where it cannot be read). */
  profilerThreadMs: number;
  /** The JavaScript thread's kernel time receiving the samples' signals, ms (estimated from the sending end). */
  signalReceiveMs: number;
  level: ProfilerLevel;
  effectiveHz: number;
  eventLoop?: EventLoopStats;
}

/** The estimated overhead over `reports`, weighted by their wall time (0 when there are none). */
export function averageOverhead(reports: readonly WindowReport[]): number {
  let cost = 0;
  let wall = 0;
  for (const report of reports) {
    cost += report.overhead * report.wallMs;
    wall += report.wallMs;
  }
  return wall > 0 ? cost / wall : 0;
}
