import type { KnobRef } from "../../src/backend.js";
import type { TuningEvent } from "../../src/orchestrator/tuning-event.js";
import type { FeedInfo, FeedUpdate } from "../../tui/feed.js";

/** A twin run's facts as the composition root gives them. */
export const TWIN_INFO: FeedInfo = {
  title: "seed-fleet",
  mode: "twin",
  components: ["numa", "cpu-pinning", "io", "network"],
  validates: true,
  durationMin: 40,
  intervalMin: 5,
  thresholdPct: 1,
  controls: { pause: true, speed: true, revert: true },
};

const MIN = 60_000;

export function event(
  min: number,
  component: string,
  action: string,
  knob: KnobRef,
  extra: Partial<TuningEvent> = {},
): FeedUpdate {
  return {
    type: "event",
    event: {
      time: min * MIN,
      component,
      action,
      knob,
      impact: 0,
      success: action === "apply" || action === "keep",
      rolledBack: action === "revert",
      reason: `${action} ${knob.knob}`,
      ...extra,
    },
  };
}

export function sample(min: number, throughputRps: number, p95LatencyMs: number, cpu = 0.5): FeedUpdate {
  return {
    type: "sample",
    time: min * MIN,
    throughputRps,
    p95LatencyMs,
    monthlyCostUsd: 730,
    cpuUtilization: cpu,
    memoryUtilization: 0.6,
  };
}

const web1 = { knob: "cpu-affinity", target: "web-1" } as const;
const web1mem = { knob: "memory-policy", target: "web-1" } as const;
const sda = { knob: "io-scheduler", target: "sda" } as const;
const rmem = { knob: "tcp-rmem", target: "host" } as const;

/**
 * A run told in updates: five baseline minutes, NUMA and I/O changes applied at 5, the I/O change
 * rolled back and the NUMA change kept at 15, a network change kept at 20, converged at 25.
 */
export function twinRun(): FeedUpdate[] {
  const out: FeedUpdate[] = [
    { type: "started", startTime: 0 },
    { type: "pace", paused: false, speed: "2 min/s" },
  ];
  for (let m = 1; m <= 5; m++) out.push(sample(m, 2000, 20, 0.8));
  out.push({ type: "window", startMin: 0, endMin: 5, improvementPct: 0, score: 1 });
  out.push(
    event(5, "numa", "apply", web1, { from: [...Array(16).keys()], to: [0, 1, 2, 3, 4, 5, 6, 7] }),
    event(5, "numa", "apply", web1mem, { from: { mode: "default", nodes: [] }, to: { mode: "bind", nodes: [0] } }),
    event(5, "io", "apply", sda, { from: "mq-deadline", to: "bfq" }),
  );
  for (let m = 6; m <= 10; m++) out.push(sample(m, 2300, 16, 0.7));
  out.push({ type: "window", startMin: 5, endMin: 10, improvementPct: 18.5, score: 1.2 });
  for (let m = 11; m <= 15; m++) out.push(sample(m, 2400, 15, 0.7));
  out.push(
    event(15, "numa", "keep", web1, { impact: 0.12, from: [...Array(16).keys()], to: [0, 1, 2, 3, 4, 5, 6, 7] }),
    event(15, "numa", "keep", web1mem, { impact: 0.12 }),
    event(15, "io", "revert", sda, { impact: -0.14, from: "mq-deadline", to: "bfq", reason: "p95 14.0% worse" }),
    event(15, "network", "apply", rmem, { from: [4096, 131072, 6291456], to: [4096, 131072, 12500000] }),
  );
  out.push({ type: "window", startMin: 10, endMin: 15, improvementPct: 4.2, score: 1.25 });
  for (let m = 16; m <= 20; m++) out.push(sample(m, 2500, 14, 0.65));
  out.push({ type: "window", startMin: 15, endMin: 20, improvementPct: 0.6, score: 1.26 });
  out.push(event(25, "network", "keep", rmem, { impact: 0.01 }));
  for (let m = 21; m <= 25; m++) out.push(sample(m, 2500, 14, 0.65));
  out.push({ type: "window", startMin: 20, endMin: 25, improvementPct: 0.2, score: 1.26 });
  out.push({ type: "converged", atMinutes: 25 });
  return out;
}
