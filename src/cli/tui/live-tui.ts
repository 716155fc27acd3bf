import type { FeedInfo, FeedUpdate, MetricsSnapshot } from "../../../tui/feed.js";
import { UpdateLog } from "../../../tui/update-log.js";
import type { Change, Observation, Receipt } from "../../backend.js";
import type { CliIO } from "../io.js";
import { processTerminal, showFeed, type Terminal } from "./show-feed.js";

/** What a live plan or apply found and did, for a read-only view. */
export interface LiveView {
  mode: "live plan" | "live apply";
  host: string;
  /** Wall-clock ms of the step (the history's minute 0). */
  time: number;
  /** The metrics window the tuners looked at (before anything was written). */
  before?: Observation;
  /** A window measured after applying. */
  after?: Observation;
  /** Dry-run receipts: what would be written. */
  planned: readonly Receipt[];
  /** What was written (values read back). */
  applied: readonly Receipt[];
  rejected: readonly { change: Change; error: Error }[];
  notes: readonly string[];
  /** The outcome, as the command would print it. */
  outcome: string;
}

function metrics(observation: Observation): MetricsSnapshot {
  const service = observation.service;
  // A live host has no service-level view (no throughput, latency or price of its own): those stay n/a.
  return {
    cpuUtilization: observation.host.cpuUtilization,
    memoryUtilization: observation.host.memoryUtilization,
    ...(service === undefined
      ? {}
      : {
          throughputRps: service.throughputRps,
          p95LatencyMs: service.latencyMs.p95,
          monthlyCostUsd: service.monthlyCostUsd,
        }),
  };
}

const changed = (receipt: Receipt) => JSON.stringify(receipt.previous) !== JSON.stringify(receipt.applied);

/** The view's updates, in order: metrics, then each change (planned, applied, refused), then the outcome. */
export function liveFeed(view: LiveView): UpdateLog {
  const components = [
    ...new Set(
      [...view.planned, ...view.applied]
        .map((r) => r.change.component)
        .concat(view.rejected.map((r) => r.change.component)),
    ),
  ];
  const info: FeedInfo = {
    title: view.host,
    mode: view.mode,
    components,
    validates: false,
    controls: { pause: false, speed: false, revert: false },
  };
  const log = new UpdateLog(info);
  const push = (update: FeedUpdate) => log.push(update);
  push({ type: "started", startTime: view.time });
  if (view.before !== undefined)
    push({
      type: "snapshot",
      label: view.after === undefined ? "now" : "baseline",
      time: view.time,
      metrics: metrics(view.before),
    });
  const unchanged = view.planned.filter((r) => !changed(r)).length;
  // A receipt as a history line: planned (dry run) or applied (written and read back).
  const receiptEvent = (receipt: Receipt, action: "plan" | "apply", outcome: string): FeedUpdate => ({
    type: "event",
    event: {
      time: view.time,
      component: receipt.change.component,
      action,
      knob: receipt.change.knob,
      from: receipt.previous,
      to: receipt.applied,
      impact: 0,
      success: true,
      rolledBack: false,
      reason: `${receipt.change.reason} (${outcome})`,
    },
  });
  for (const receipt of view.planned.filter(changed))
    push(receiptEvent(receipt, "plan", "dry run passed; not written"));
  for (const receipt of view.applied) push(receiptEvent(receipt, "apply", "written, read back"));
  for (const { change, error } of view.rejected) {
    push({
      type: "event",
      event: {
        time: view.time,
        component: change.component,
        action: "fail",
        knob: change.knob,
        to: change.to,
        impact: 0,
        success: false,
        rolledBack: false,
        reason: error.message,
      },
    });
  }
  if (view.after !== undefined) push({ type: "snapshot", label: "now", time: view.time, metrics: metrics(view.after) });
  for (const note of view.notes) push({ type: "notice", text: note });
  push({
    type: "finished",
    converged: false,
    atMinutes: null,
    note: unchanged > 0 ? `${view.outcome} (${unchanged} knob(s) already as the tuners would set them)` : view.outcome,
  });
  return log;
}

/**
 * Shows a live plan or apply: full screen on a terminal until q, else the plain log. Read-only:
 * the view can scroll and quit, nothing else (the screen says so if asked to pause or revert).
 */
export async function showLive(
  view: LiveView,
  io: CliIO,
  terminal: Terminal | undefined = processTerminal(io),
): Promise<void> {
  await showFeed(liveFeed(view), () => {}, io, terminal);
}
