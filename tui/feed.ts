import type { OrchestratorUpdate } from "../src/orchestrator/tuning-event.js";

/**
 * What the terminal UI is given: a read-only stream of updates and the facts known up front.
 * The UI never holds a Backend or an orchestrator; what it may ask for goes out as a TuiCommand
 * that the composition root (src/cli/) decides how to carry out.
 */
export interface TuiFeed {
  readonly info: FeedInfo;
  /** Delivers every update so far, then each new one; returns a function that stops delivery. */
  subscribe(listener: (update: FeedUpdate) => void): () => void;
}

export interface FeedInfo {
  /** What is tuned: the scenario's name on the twin, the host name on a live host. */
  title: string;
  /** "twin": a tuning run on the digital twin; "live plan" / "live apply": a view over one step on this host. */
  mode: "twin" | "live plan" | "live apply";
  /** The components (tuners or rule sets) whose state the UI lists. */
  components: readonly string[];
  /** Applied changes are A/B-tested, then kept or rolled back (the twin); otherwise they just stay applied. */
  validates: boolean;
  /** Simulated minutes the run lasts at most (twin). */
  durationMin?: number;
  /** Minutes between tuning rounds: the width of one convergence window (twin). */
  intervalMin?: number;
  /** A window improving by less than this (%) with nothing in flight counts as converged (twin). */
  thresholdPct?: number;
  /** What the operator may ask for; a live view is read-only. */
  controls: { pause: boolean; speed: boolean; revert: boolean };
}

/** A set of service-level figures; a live host has no service-level view, so some are absent. */
export interface MetricsSnapshot {
  throughputRps?: number;
  p95LatencyMs?: number;
  cpuUtilization?: number;
  memoryUtilization?: number;
  monthlyCostUsd?: number;
}

export type FeedUpdate =
  | OrchestratorUpdate
  /** Backend time (ms) at which the tuning started: times in events and samples are on that clock. */
  | { type: "started"; startTime: number }
  /** Metrics measured outside the tuning rounds (a live host's before and after). */
  | { type: "snapshot"; label: "baseline" | "now"; time: number; metrics: MetricsSnapshot }
  /** The delivery pace: paused or not, and the speed as the UI should print it ("2 min/s", "max"). */
  | { type: "pace"; paused: boolean; speed: string }
  /**
   * The run is over. `before`/`after`: the final comparison, measured the same way for both
   * (on the twin: the initial and the tuned configuration on the same window and seed).
   */
  | {
      type: "finished";
      converged: boolean;
      atMinutes: number | null;
      before?: MetricsSnapshot;
      after?: MetricsSnapshot;
      note: string;
    }
  /** A one-line message for the operator (a command's outcome). */
  | { type: "notice"; text: string }
  | { type: "error"; message: string };

/** What the operator asks for with a key. */
/** "interrupt" is Ctrl-C: a quit that the process reports with status 130, as a shell expects. */
export type TuiCommand = "toggle-pause" | "faster" | "slower" | "revert-last" | "quit" | "interrupt";
