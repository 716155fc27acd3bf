import { readFileSync } from "node:fs";
import type { Observation } from "../src/backend.js";
import { defaultCatalogPath } from "../src/catalog/catalog-loader.js";
import { engineFingerprint } from "../src/engine-fingerprint.js";
import { fnv1aHex } from "../src/math/fnv.js";
import type { LogHistogram } from "../src/metrics/log-histogram.js";
import type { OrchestratorUpdate } from "../src/orchestrator/tuning-event.js";
import { packageVersion } from "../src/package-root.js";
import type { EvaluationDetail, LatencyBucket, RunMetrics, TimelinePoint } from "../src/report/run-result.js";
import type { ResolvedScenario } from "../src/scenario/load-scenario.js";

const HOURS_PER_MONTH = 730;
/** Histogram buckets per power of two in a result: 12.5% wide, a few dozen buckets for a run's latencies. */
const BUCKETS_PER_OCTAVE = 8;

let instanceCatalogText: string | undefined;

/**
 * The version of the model a result came from: twintune's version, a hash of the engine's code
 * and a hash of the hardware models (host, devices, schedulers, paths) the scenario resolved to
 * and of the instance catalog (types and prices), so a result can be matched to the code and the
 * catalogs that produced it.
 */
export function modelVersion(resolved: ResolvedScenario): string {
  instanceCatalogText ??= readFileSync(defaultCatalogPath(), "utf8");
  const models = {
    host: resolved.host,
    devices: resolved.devices,
    schedulers: resolved.schedulers,
    paths: resolved.paths,
    instances: fnv1aHex(instanceCatalogText),
  };
  return `${packageVersion()}+engine.${engineFingerprint()}+models.${fnv1aHex(JSON.stringify(models))}`;
}

/** A histogram of microseconds as buckets of milliseconds. */
export function latencyBuckets(histogram: LogHistogram, scale = 1 / 1000): LatencyBucket[] {
  return histogram.buckets(BUCKETS_PER_OCTAVE).map((bucket) => ({
    lowMs: bucket.low * scale,
    highMs: bucket.high * scale,
    count: bucket.count,
  }));
}

/** The latency histogram and the cost of each VM over an evaluation window. */
export function evaluationDetail(window: Observation, latencyUs: LogHistogram): EvaluationDetail {
  return {
    latency: latencyBuckets(latencyUs),
    costs: window.workloads.map((workload) => ({
      name: workload.id,
      monthlyCostUsd: (workload.hourlyCostUsd ?? 0) * HOURS_PER_MONTH,
      throughputRps: workload.throughputRps ?? 0,
    })),
  };
}

export function metricsOf(observation: Observation): RunMetrics {
  return {
    throughputRps: observation.service?.throughputRps ?? 0,
    p95LatencyMs: observation.service?.latencyMs.p95 ?? 0,
    cpuUtil: observation.host.cpuUtilization,
    memUtil: observation.host.memoryUtilization,
    monthlyCostUsd: observation.service?.monthlyCostUsd ?? 0,
    iops: observation.service?.iops ?? 0,
    errorRate: observation.service?.errorRate ?? 0,
  };
}

/** Keeps the orchestrator's service samples for the timeline of a result. */
export class TimelineRecorder {
  private readonly samples: { time: number; throughputRps: number; p95LatencyMs: number; monthlyCostUsd: number }[] =
    [];

  /** Wraps a watcher so it also records. */
  watch(next?: (update: OrchestratorUpdate) => void): (update: OrchestratorUpdate) => void {
    return (update) => {
      if (update.type === "sample") {
        const { time, throughputRps, p95LatencyMs, monthlyCostUsd } = update;
        this.samples.push({ time, throughputRps, p95LatencyMs, monthlyCostUsd });
      }
      next?.(update);
    };
  }

  /** The samples, minutes after `startTime` (backend ms) at the end of each sample. */
  points(startTime: number): TimelinePoint[] {
    return this.samples.map(({ time, ...rest }) => ({ minute: (time - startTime) / 60_000, ...rest }));
  }
}
