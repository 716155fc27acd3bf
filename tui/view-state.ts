import type { TuningEvent } from "../src/orchestrator/tuning-event.js";
import { type ComponentView, changeText, nextStatus } from "./component-status.js";
import type { FeedInfo, FeedUpdate, MetricsSnapshot } from "./feed.js";

export interface HistoryEntry {
  /** Minutes since the start of tuning. */
  min: number;
  component: string;
  action: string;
  change: string;
  /** Measured impact (%), for verdicts and what-if predictions; undefined where none was measured. */
  impactPct: number | undefined;
  success: boolean;
  rolledBack: boolean;
  reason: string;
}

interface Sample extends MetricsSnapshot {
  min: number;
}

export interface ViewState {
  info: FeedInfo;
  startTime: number | undefined;
  /** The latest time the stream reached, minutes since the start. */
  nowMin: number;
  windows: readonly { startMin: number; endMin: number; improvementPct: number }[];
  convergedAtMin: number | undefined;
  /** Mean of the samples before the first change (or a measured snapshot). */
  baseline: MetricsSnapshot | undefined;
  /** Mean of the latest interval's samples (or a measured snapshot). */
  now: MetricsSnapshot | undefined;
  components: readonly ComponentView[];
  history: readonly HistoryEntry[];
  pace: { paused: boolean; speed: string } | undefined;
  finished: Extract<FeedUpdate, { type: "finished" }> | undefined;
  notice: string | undefined;
  /** How many notices the feed gave (so a later local message can tell it is newer). */
  notices: number;
  error: string | undefined;
  // What the means are computed from.
  baselineSamples: readonly Sample[];
  baselineClosed: boolean;
  recentSamples: readonly Sample[];
}

export function initialViewState(info: FeedInfo): ViewState {
  return {
    info,
    startTime: undefined,
    nowMin: 0,
    windows: [],
    convergedAtMin: undefined,
    baseline: undefined,
    now: undefined,
    components: info.components.map((name) => ({ name, status: "idle", validating: [], kept: 0, rolledBack: 0 })),
    history: [],
    pace: undefined,
    finished: undefined,
    notice: undefined,
    notices: 0,
    error: undefined,
    baselineSamples: [],
    baselineClosed: false,
    recentSamples: [],
  };
}

const KEYS: readonly (keyof MetricsSnapshot)[] = [
  "throughputRps",
  "p95LatencyMs",
  "cpuUtilization",
  "memoryUtilization",
  "monthlyCostUsd",
];

/** The mean of each figure over the samples that have it. */
export function meanSnapshot(samples: readonly MetricsSnapshot[]): MetricsSnapshot | undefined {
  if (samples.length === 0) return undefined;
  const out: MetricsSnapshot = {};
  for (const key of KEYS) {
    const values = samples.map((s) => s[key]).filter((v): v is number => v !== undefined);
    if (values.length > 0) out[key] = values.reduce((a, b) => a + b, 0) / values.length;
  }
  return out;
}

const MEASURED = new Set(["keep", "revert", "skip"]);

function applyEvent(state: ViewState, event: TuningEvent, min: number): ViewState {
  const key = `${event.knob.knob}@${event.knob.target}`;
  let components = state.components;
  if (!components.some((c) => c.name === event.component))
    components = [...components, { name: event.component, status: "idle", validating: [], kept: 0, rolledBack: 0 }];
  components = components.map((c) => {
    if (c.name !== event.component) return c;
    const changed = event.action === "apply" || event.action === "plan" || event.action === "revert";
    const validating =
      event.action === "apply" && state.info.validates
        ? [...c.validating.filter((k) => k !== key), key]
        : ["keep", "revert", "fail"].includes(event.action)
          ? c.validating.filter((k) => k !== key)
          : c.validating;
    return {
      ...c,
      status: nextStatus(c, event.action, state.info.validates),
      ...(changed ? { lastChange: changeText(event), lastMin: min } : {}),
      validating,
      kept: c.kept + (event.action === "keep" ? 1 : 0),
      rolledBack: c.rolledBack + (event.rolledBack ? 1 : 0),
    };
  });
  const entry: HistoryEntry = {
    min,
    component: event.component,
    action: event.action,
    change: changeText(event),
    impactPct: MEASURED.has(event.action) ? event.impact * 100 : undefined,
    success: event.success,
    rolledBack: event.rolledBack,
    reason: event.reason,
  };
  const closing = event.action === "apply" && !state.baselineClosed;
  return { ...state, components, history: [...state.history, entry], baselineClosed: state.baselineClosed || closing };
}

/** The view's state after one update: a pure function, so every screen is a function of the stream. */
export function reduceView(state: ViewState, update: FeedUpdate): ViewState {
  switch (update.type) {
    case "started":
      return { ...state, startTime: update.startTime };
    case "sample": {
      const start = state.startTime ?? update.time;
      const sample: Sample = {
        min: (update.time - start) / 60_000,
        throughputRps: update.throughputRps,
        p95LatencyMs: update.p95LatencyMs,
        cpuUtilization: update.cpuUtilization,
        memoryUtilization: update.memoryUtilization,
        monthlyCostUsd: update.monthlyCostUsd,
      };
      const keep = Math.max(1, Math.round(state.info.intervalMin ?? 5));
      const recentSamples = [...state.recentSamples, sample].slice(-keep);
      const baselineSamples = state.baselineClosed ? state.baselineSamples : [...state.baselineSamples, sample];
      return {
        ...state,
        startTime: start,
        nowMin: Math.max(state.nowMin, sample.min),
        recentSamples,
        baselineSamples,
        now: meanSnapshot(recentSamples),
        baseline: meanSnapshot(baselineSamples),
      };
    }
    case "snapshot": {
      const start = state.startTime ?? update.time;
      const next = { ...state, startTime: start, nowMin: Math.max(state.nowMin, (update.time - start) / 60_000) };
      return update.label === "baseline" ? { ...next, baseline: update.metrics } : { ...next, now: update.metrics };
    }
    case "event": {
      const start = state.startTime ?? update.event.time;
      const min = (update.event.time - start) / 60_000;
      return applyEvent({ ...state, startTime: start, nowMin: Math.max(state.nowMin, min) }, update.event, min);
    }
    case "window":
      return {
        ...state,
        nowMin: Math.max(state.nowMin, update.endMin),
        windows: [
          ...state.windows,
          { startMin: update.startMin, endMin: update.endMin, improvementPct: update.improvementPct },
        ],
      };
    case "converged":
      return { ...state, convergedAtMin: update.atMinutes ?? undefined };
    case "pace":
      return { ...state, pace: { paused: update.paused, speed: update.speed } };
    case "finished":
      return { ...state, finished: update };
    case "notice":
      return { ...state, notice: update.text, notices: state.notices + 1 };
    case "error":
      return { ...state, error: update.message };
    default:
      return state;
  }
}
