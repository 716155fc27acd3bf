// twintune's public API. Everything a library user may import from "twintune" is re-exported here.

export * from "./backend.js";
export type { Clock } from "./clock.js";
export { formatCpuList, parseCpuList } from "./cpulist.js";
export * from "./flamegraph/index.js";
export { batchMeans, type Estimate, meanWithInterval } from "./math/batch-means.js";
export { normalQuantile } from "./math/normal-quantile.js";
export {
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
export * from "./profiler/index.js";
export { WallClock } from "./wall-clock.js";
