// The twin's public face: `import { Simulation, RandomStreams } from "twintune/sim"`.
export type { AllOf, AnyOf, FirstOf } from "./condition.js";
export { Container, LevelChange } from "./container.js";
export { EmpiricalDistribution } from "./empirical-distribution.js";
export * from "./fleet/index.js";
export { type Callback, type RunOptions, Simulation } from "./kernel.js";
export { Interrupt, Process, type ProcessGenerator, type Yieldable } from "./process.js";
export { runStationCallbacks, runStationProcesses, type StationOptions, type StationResult } from "./queue-station.js";
export { Request, Resource } from "./resource.js";
export { RandomStream, RandomStreams } from "./rng.js";
export { NORMAL, SimEvent, URGENT } from "./sim-event.js";
export { Store, StoreGet, StorePut } from "./store.js";
export { TimeWeighted } from "./time-weighted.js";
export { Timeout } from "./timeout.js";
export { type ValidationRow, validationRows } from "./validation/index.js";
