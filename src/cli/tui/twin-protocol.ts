import type { OrchestratorUpdate } from "../../orchestrator/tuning-event.js";

/**
 * Messages between the terminal UI's thread and the worker thread that runs the tuning on the
 * twin. The simulation is CPU-bound for seconds at a time (what-if and validation forks), so it
 * runs in a worker and the UI stays responsive. The worker asks before every simulated step
 * ("wait") and goes on at "go": that is how pause and speed hold the run back.
 */
export interface TwinWorkerData {
  file: string;
  seed: number;
  /** Worker threads for the twin's what-if, validation and evaluation forks (1: in the worker). */
  forkThreads: number;
}

/** A run's end as the worker reports it: what the before/after figures and the summary need. */
export interface TwinRunSummary {
  scenario: string;
  converged: boolean;
  atMinutes: number | null;
  baseline: Record<string, number>;
  tuned: Record<string, number>;
  kept: number;
  rollbacks: number;
  evaluationMin: number;
}

export type ToWorker =
  /** Go past the step the worker asked about in wait `id`. */
  | { type: "go"; id: number }
  /** Undo the last change still in effect (the orchestrator's revertLast). */
  | { type: "revert" };

export type FromWorker =
  | { type: "started"; startTime: number }
  | { type: "update"; update: OrchestratorUpdate }
  /** May the run go past `at` simulated ms since the start? Answer with go `id`; a later wait replaces it. */
  | { type: "wait"; id: number; at: number }
  | { type: "notice"; text: string }
  | { type: "finished"; summary: TwinRunSummary }
  | { type: "failed"; message: string };

/** The side of a message port the worker uses (a worker's parentPort, or a MessagePort in tests). */
export interface WorkerSide {
  postMessage(message: FromWorker): void;
  on(event: "message", listener: (message: ToWorker) => void): unknown;
}
