import type { KnobRef, KnobValue } from "../backend.js";

/** One entry of the tuning history, as the seed document's orchestrator records it. */
export interface TuningEvent {
  /** Backend clock time, ms. */
  time: number;
  component: string;
  /** What happened: "apply", "keep", "revert", "freeze", "disable", "skip", "fail". */
  action: string;
  knob: KnobRef;
  from?: KnobValue;
  to?: KnobValue;
  /** Measured relative improvement of the service level (0.05 = +5%), for keep and revert. */
  impact: number;
  success: boolean;
  rolledBack: boolean;
  reason: string;
}

/** What the orchestrator tells watchers (the TUI, a report) as it goes: a read-only stream. */
export type OrchestratorUpdate =
  | { type: "event"; event: TuningEvent }
  | { type: "window"; startMin: number; endMin: number; improvementPct: number; score: number }
  | {
      type: "sample";
      time: number;
      throughputRps: number;
      p95LatencyMs: number;
      monthlyCostUsd: number;
      /** The host's busy CPU share and memory use over the sample, 0..1. */
      cpuUtilization: number;
      memoryUtilization: number;
    }
  /** Converged at `atMinutes`, or null: a later window changed something that mattered, so it had not. */
  | { type: "converged"; atMinutes: number | null }
  | { type: "in-flight"; operations: number; limit: number };
