import type { ServiceLevel } from "../backend.js";

/**
 * One number for "how well is it serving": throughput per millisecond of p95 latency per dollar
 * of monthly cost. More throughput, lower latency and lower cost all raise it; its relative
 * change between windows is the improvement the convergence table shows.
 */
export function serviceScore(service: ServiceLevel): number {
  const p95 = Math.max(service.latencyMs.p95, 1e-6);
  const cost = Math.max(service.monthlyCostUsd, 1e-6);
  return service.throughputRps / p95 / cost;
}

export interface ConvergenceWindow {
  startMin: number;
  endMin: number;
  improvementPct: number;
  /** Nothing was applied in the window's round and nothing was waiting for its verdict. */
  idle: boolean;
}

/**
 * Tracks improvement window by window; converged once a window improves by less than the
 * threshold with nothing in flight, for as long as nothing changes after it: a later window in
 * which the tuner applied something shows it had not converged. (A quiet window whose score moves
 * with the load, as a fleet's does from day to day, changes nothing.)
 */
export class ConvergenceTracker {
  readonly windows: ConvergenceWindow[] = [];
  convergedAtMin: number | undefined;
  private previous: number | undefined;

  constructor(private readonly thresholdPct: number) {}

  /** Adds a window's score; `idle` says no change is in flight or was proposed. Returns the window. */
  add(startMin: number, endMin: number, score: number, idle: boolean): ConvergenceWindow {
    const improvementPct =
      this.previous === undefined || this.previous <= 0 ? 0 : ((score - this.previous) / this.previous) * 100;
    this.previous = score;
    const window = { startMin, endMin, improvementPct, idle };
    this.windows.push(window);
    // Converged at the first of the quiet windows that end the run so far (the seed document's
    // table: 20-25 min, 0.8%, "Yes (<1%)", then 25-30 min "Converged").
    const quiet = idle && this.windows.length > 1 && Math.abs(improvementPct) < this.thresholdPct;
    if (!idle) this.convergedAtMin = undefined;
    else if (quiet) this.convergedAtMin ??= endMin;
    return window;
  }

  /** Converged and confirmed by a later window without changes (the seed document's "Converged" row). */
  get confirmed(): boolean {
    return this.convergedAtMin !== undefined && (this.windows.at(-1)?.endMin ?? 0) > this.convergedAtMin;
  }
}
