// twintune's public API. Everything a library user may import from "twintune" is re-exported here.

export * from "./backend.js";
export {
  type DeviceSpec,
  loadDeviceCatalog,
  normalizeScheduler,
  SCHEDULERS,
  type SchedulerName,
} from "./catalog/device-catalog.js";
export { type HostSpec, loadHostCatalog } from "./catalog/host-catalog.js";
export { hostTopology } from "./catalog/host-topology.js";
export { loadNetworkCatalog, type PathSpec } from "./catalog/network-catalog.js";
export type { Clock } from "./clock.js";
export { ConfigError } from "./config/config-error.js";
export { formatDuration, parseDuration } from "./config/duration.js";
export { formatCpuList, parseCpuList } from "./cpulist.js";
export { batchMeans, type Estimate, meanWithInterval } from "./math/batch-means.js";
export { normalQuantile } from "./math/normal-quantile.js";
export {
  allenCunneenMeanWait,
  erlangC,
  kingmanMeanWait,
  md1MeanWait,
  mg1MeanWait,
  mm1MeanSojourn,
  mm1MeanWait,
  mmcMeanWait,
} from "./math/queueing-theory.js";
export { studentTQuantile } from "./math/student-t.js";
export { LatencyRecorder, type PercentileMode } from "./metrics/latency-recorder.js";
export { LogHistogram } from "./metrics/log-histogram.js";
export { OutputFolderError, replaceFolder, writeFileAtomic } from "./report/atomic-files.js";
export type { ComponentImpact, LatencyBucket, RunDetail, RunMetrics, RunResult } from "./report/run-result.js";
export { reportFiles, writeReport } from "./report/write-report.js";
export { configHash } from "./scenario/config-hash.js";
export {
  type Catalogs,
  loadCatalogs,
  loadScenario,
  type ResolvedScenario,
  scenarioFromObject,
} from "./scenario/load-scenario.js";
export { loadPolicy, type TuningPolicy } from "./scenario/policy-file.js";
export { scenarioJsonSchema } from "./scenario/scenario-json-schema.js";
export { applyOverrides, parseKeyPath, type ScenarioOverride } from "./scenario/scenario-override.js";
export { type Scenario, ScenarioSchema } from "./scenario/scenario-schema.js";
export { aggregatePoint, type PointAggregate, type Stat, statOf } from "./sweep/aggregate.js";
export { comparePolicies, type PolicyComparison } from "./sweep/policy-comparison.js";
export { type RunSummary, summarize } from "./sweep/run-summary.js";
export { parseSeedList } from "./sweep/seed-list.js";
export { placePricing, rightSize } from "./tuners/fleet-sizing.js";
export { WallClock } from "./wall-clock.js";
