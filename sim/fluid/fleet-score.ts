import { LogHistogram } from "../../src/metrics/log-histogram.js";
import type { FleetSimulation, FleetStep } from "./fleet-model.js";

const HOUR_MS = 3_600_000;

/** A running FNV-1a over the steps' figures: the fleet run's trace hash. */
export function hashStep(hash: number, step: FleetStep): number {
  const text = `${step.timeMs}:${step.throughputRps}:${step.meanLatencyMs}:${step.costUsd}:${step.failedRps}`;
  let h = hash;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h;
}

/** Service score of a stretch of steps: throughput per ms of p95 latency per dollar (as the orchestrator scores a window). */
export class ScoreWindow {
  private served = 0;
  private cost = 0;
  private steps = 0;
  private latency = new LogHistogram(16);

  add(simulation: FleetSimulation, step: FleetStep): void {
    this.steps++;
    this.served += step.throughputRps;
    this.cost += step.costUsd;
    for (let i = 0; i < simulation.vms.length; i++) {
      const rate = simulation.servedRps[i] as number;
      const latency = simulation.latencyMs[i] as number;
      if (rate > 0 && latency > 0) this.latency.record(latency * 1000, rate);
    }
  }

  /** The figures so far, then starts over. */
  take(stepMs: number): { throughputRps: number; p95LatencyMs: number; monthlyCostUsd: number; score: number } {
    const n = Math.max(1, this.steps);
    const throughputRps = this.served / n;
    const p95LatencyMs = this.latency.count > 0 ? this.latency.quantile(0.95) / 1000 : 0;
    const monthlyCostUsd = ((this.cost / n) * 730 * HOUR_MS) / stepMs;
    this.served = 0;
    this.cost = 0;
    this.steps = 0;
    this.latency = new LogHistogram(16);
    const score = throughputRps / Math.max(p95LatencyMs, 1e-6) / Math.max(monthlyCostUsd, 1e-6);
    return { throughputRps, p95LatencyMs, monthlyCostUsd, score };
  }
}
