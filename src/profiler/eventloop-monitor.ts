import { type EventLoopUtilization, type IntervalHistogram, monitorEventLoopDelay, performance } from "node:perf_hooks";

/** One window of event-loop health: Node's analogue of Go's block and mutex profiles (without stacks). */
export interface EventLoopStats {
  /** Delay of the loop in waking a 10 ms timer, in milliseconds. */
  delayMs: { min: number; mean: number; p50: number; p90: number; p99: number; max: number };
  /** Share of the window the loop spent running JavaScript rather than idle in the poll phase (0–1). */
  utilization: number;
}

/**
 * Event-loop delay (perf_hooks.monitorEventLoopDelay: a libuv timer every `resolutionMs`, the
 * lateness recorded in a nanosecond histogram) and event-loop utilization, both per window.
 */
export class EventLoopMonitor {
  private histogram: IntervalHistogram | undefined;
  private utilization: EventLoopUtilization | undefined;

  constructor(private readonly resolutionMs = 10) {}

  start(): void {
    if (this.histogram !== undefined) return;
    this.histogram = monitorEventLoopDelay({ resolution: this.resolutionMs });
    this.histogram.enable();
    this.utilization = performance.eventLoopUtilization();
  }

  /** The stats since start or the last snapshot, then starts a new window. */
  snapshot(): EventLoopStats {
    const histogram = this.histogram;
    if (histogram === undefined) throw new Error("the event-loop monitor is not running");
    const ms = (ns: number) => (Number.isFinite(ns) ? ns / 1e6 : 0);
    const empty = histogram.count === 0;
    const stats: EventLoopStats = {
      delayMs: {
        min: empty ? 0 : ms(histogram.min),
        mean: empty ? 0 : ms(histogram.mean),
        p50: ms(histogram.percentile(50)),
        p90: ms(histogram.percentile(90)),
        p99: ms(histogram.percentile(99)),
        max: ms(histogram.max),
      },
      utilization: performance.eventLoopUtilization(this.utilization).utilization,
    };
    histogram.reset();
    this.utilization = performance.eventLoopUtilization();
    return stats;
  }

  stop(): void {
    this.histogram?.disable();
    this.histogram = undefined;
    this.utilization = undefined;
  }
}
