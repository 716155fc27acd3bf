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
export {
  type Catalogs,
  loadCatalogs,
  loadScenario,
  type ResolvedScenario,
  scenarioFromObject,
} from "./scenario/load-scenario.js";
export { scenarioJsonSchema } from "./scenario/scenario-json-schema.js";
export { type Scenario, ScenarioSchema } from "./scenario/scenario-schema.js";
export { WallClock } from "./wall-clock.js";
