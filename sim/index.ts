// The twin's public face: `import { Simulation, RandomStreams } from "twintune/sim"`.
export type { AllOf, AnyOf, FirstOf } from "./condition.js";
export { Container, LevelChange } from "./container.js";
export { EmpiricalDistribution } from "./empirical-distribution.js";
export * from "./fleet/index.js";
export { type FleetOptions, generateFleet } from "./fluid/fleet-generator.js";
export {
  FleetSimulation,
  type FleetSpec,
  type FleetStep,
  type FleetVm,
  type SpotTerms,
  simulateFleet,
} from "./fluid/fleet-model.js";
export { type FleetRunOptions, runFleetTuning } from "./fluid/fleet-run.js";
export { type FluidVmResult, type FluidVmState, fluidVm } from "./fluid/fluid-vm.js";
export { ForkPool } from "./fork-pool.js";
export { ForkCounterfactual, type ForkExecutor, type ForkResult, ForkRunner } from "./fork-runner.js";
export { instanceLookup } from "./instance-lookup.js";
export { type Callback, type RunOptions, Simulation } from "./kernel.js";
export { Interrupt, Process, type ProcessGenerator, type Yieldable } from "./process.js";
export { runStationCallbacks, runStationProcesses, type StationOptions, type StationResult } from "./queue-station.js";
export { Request, Resource } from "./resource.js";
export { RandomStream, RandomStreams } from "./rng.js";
export { SimBackend, type SimBackendOptions, SimClock } from "./sim-backend.js";
export { NORMAL, SimEvent, URGENT } from "./sim-event.js";
export { Store, StoreGet, StorePut } from "./store.js";
export { TimeWeighted } from "./time-weighted.js";
export { Timeout } from "./timeout.js";
export { type RunMetrics, type RunResult, runTuning, type TuningRunOptions } from "./tuning-run.js";
export { HostTwin } from "./twin/host-twin.js";
export type { InstanceLookup, InstanceShape } from "./twin/twin-knobs.js";
export { type ValidationRow, validationRows } from "./validation/index.js";
