// twintune's public API. Everything a library user may import from "twintune" is re-exported here.

export { AtomicFile, writeFileAtomic } from "./atomic-file.js";
export * from "./backend.js";
export { CatalogError } from "./catalog/catalog-error.js";
export { defaultCatalogPath, loadCatalog, parseCatalog } from "./catalog/catalog-loader.js";
export {
  type DeviceSpec,
  loadDeviceCatalog,
  normalizeScheduler,
  SCHEDULERS,
  type SchedulerName,
} from "./catalog/device-catalog.js";
export { type HostSpec, loadHostCatalog } from "./catalog/host-catalog.js";
export { hostTopology } from "./catalog/host-topology.js";
export { HOURS_PER_MONTH, InstanceCatalog, type PriceSource } from "./catalog/instance-catalog.js";
export type { InstanceType, SpotTerms } from "./catalog/instance-type.js";
export { loadNetworkCatalog, type PathSpec } from "./catalog/network-catalog.js";
export type { Clock } from "./clock.js";
export { ConfigError } from "./config/config-error.js";
export { formatDuration, parseDuration } from "./config/duration.js";
export { formatCpuList, parseCpuList } from "./cpulist.js";
export * from "./flamegraph/index.js";
export { batchMeans, type Estimate, meanWithInterval } from "./math/batch-means.js";
export { normalCdf } from "./math/normal-cdf.js";
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
export { type Labels, MetricsCollector, seriesKey } from "./metrics/collector.js";
export { historyConfidence } from "./metrics/confidence.js";
export { DecayingHistogram, type DecayingHistogramOptions } from "./metrics/decaying-histogram.js";
export {
  decayingPercentileEstimator,
  type Estimator,
  maxEstimator,
  percentileEstimator,
  type SampleWindow,
  withConfidenceMultiplier,
  withFloor,
  withMargin,
} from "./metrics/estimator.js";
export { LatencyRecorder, type PercentileMode } from "./metrics/latency-recorder.js";
export { LogHistogram } from "./metrics/log-histogram.js";
export { maxOf, quantile, quantileSorted } from "./metrics/quantile.js";
export { type DailyProfile, dailyProfile } from "./metrics/seasonality.js";
export { DEFAULT_RETENTION, type Point, type RetentionPolicy, type Rollup, TimeSeries } from "./metrics/time-series.js";
export { dailyTrend, type Trend } from "./metrics/trend.js";
export { abVerdict, type SloSample } from "./orchestrator/ab-test.js";
export type { Counterfactual } from "./orchestrator/counterfactual.js";
export { Orchestrator, type OrchestratorOptions } from "./orchestrator/orchestrator.js";
export { DEFAULT_ORCHESTRATOR_CONFIG, type OrchestratorConfig } from "./orchestrator/orchestrator-config.js";
export type { OrchestratorUpdate, TuningEvent } from "./orchestrator/tuning-event.js";
export * from "./profiler/index.js";
export { OutputFolderError, replaceFolder } from "./report/atomic-files.js";
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
export { TraceError } from "./trace/trace-error.js";
export { type ReadTraceOptions, readTrace, type TraceSummary } from "./trace/trace-reader.js";
export { loadTruthFile, type TruthFile } from "./trace/truth-file.js";
export { ALLOCATION_MATRIX } from "./tuners/allocation-matrix.js";
export { confineCachelessVms } from "./tuners/cache-allocation.js";
// The 30-day forecast loads mathjs on first call, not on import.
export { type CostForecast, forecastCosts, type Interval, type VmCostForecast } from "./tuners/cost/cost-forecast.js";
export { type CostPlan, planCosts, type StepTotal, type VmCostPlan } from "./tuners/cost/cost-plan.js";
export { type CostRiskOption, paretoFrontier } from "./tuners/cost/pareto.js";
export { performanceRisk, spotRisk } from "./tuners/cost/performance-risk.js";
export { bestCommitment, hourlyPrice, type PricingOption } from "./tuners/cost/pricing.js";
export { type Steadiness, steadiness } from "./tuners/cost/steadiness.js";
export { CostTuner } from "./tuners/cost-tuner.js";
export { allocateNode, CpuPinning } from "./tuners/cpu-pinning.js";
export { type Pricing, placePricing } from "./tuners/fleet-pricing.js";
export { IoTuner, planDevice } from "./tuners/io-tuner.js";
export { NetworkTuner, type NetworkTunerOptions } from "./tuners/network-tuner.js";
export { NumaOptimizer, type NumaPolicy } from "./tuners/numa-optimizer.js";
export { BASELINES, type Baseline, type Request, typeForRequest } from "./tuners/rightsize/baselines/index.js";
export * from "./tuners/rightsize/index.js";
export { type CompareRow, type Pick, scoreAgainstTruth, type TruthRecord } from "./tuners/rightsize/truth-compare.js";
export { RightsizingTuner } from "./tuners/rightsizing-tuner.js";
export { knobKey, type Recommendation as TuningRecommendation, type Tuner, type TunerContext } from "./tuners/tuner.js";
export { WallClock } from "./wall-clock.js";
