import type { Observation } from "../../src/backend.js";

/** An observation with nothing busy and nothing moving, with `over` laid on top. */
export function observationOf(over: Partial<Observation> = {}): Observation {
  return {
    time: 0,
    intervalMs: 60_000,
    host: { cpuUtilization: 0.3, perCpuUtilization: [], memoryUtilization: 0.3, memoryAvailableBytes: 0 },
    disks: [],
    network: [],
    tcp: [],
    workloads: [],
    ...over,
  };
}
