// The twin's fleet workload generator: `import { FleetWorkload } from "twintune/sim"`.
export { feedVm } from "./feed.js";
export { type GenerateFilesOptions, generateFleetFiles } from "./fleet-files.js";
export { type FleetTruth, type VmTruth, vmTruth } from "./fleet-truth.js";
export { DEFAULT_START, type FleetOptions, FleetWorkload } from "./fleet-workload.js";
export { type ObservedSeries, observe, TRACE_HEADER, traceLines } from "./observed-trace.js";
export { DEFAULT_MIX, SHAPES, type Shape, type VmSpec } from "./shapes.js";
export type { Demand, DemandSeries } from "./vm-workload.js";
