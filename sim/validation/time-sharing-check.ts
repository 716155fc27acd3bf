import type { WorkloadObservation } from "../../src/backend.js";
import { erlangC } from "../../src/math/queueing-theory.js";
import { type Catalogs, type ResolvedScenario, scenarioFromObject } from "../../src/scenario/load-scenario.js";
import { SimBackend } from "../sim-backend.js";

const CPUS = 16;

/** The scenario's one workload as observed over `measureMs` after `warmupMs` of warm-up. */
async function onlyWorkload(
  resolved: ResolvedScenario,
  warmupMs: number,
  measureMs: number,
): Promise<WorkloadObservation | undefined> {
  const backend = new SimBackend(resolved);
  await backend.clock.sleep(warmupMs);
  await backend.observe();
  await backend.clock.sleep(measureMs);
  return (await backend.observe()).workloads[0];
}
const SERVICE_MS = 1;

export interface TimeSharingResult {
  load: number;
  perRequestMeanMs: number;
  closedFormMeanMs: number;
  servedRps: number;
  offeredRps: number;
}

/**
 * The per-request twin's CPU time sharing against its closed form: one VM of 64 vCPUs on 16 CPUs
 * that never slow each other (the catalog's 8-core host with SMT made free, pair throughput 2),
 * asked for `load` of the CPUs with requests of 1 ms (lognormal, CV 1). More vCPUs than CPUs, so
 * the host's CPUs are one M/M/16 queue when the twin is work-conserving, and the mean response is
 * S + C(16, a) S / (16 - a) (Erlang C; processor sharing over the busy CPUs has the same mean).
 * The working set is 1 KiB, so a thread moved to another core has next to nothing to refill: a
 * full L2 refill per move (0.05 ms on this host) would add real work the closed form leaves out.
 */
export async function timeSharingCheck(
  catalogs: Catalogs,
  load: number,
  seed: number,
  measureMs: number,
): Promise<TimeSharingResult> {
  const eightCores = catalogs.hosts.find((h) => h.name === "xeon-e2388g-1s8c");
  if (eightCores === undefined) throw new Error("the time-sharing check needs host model xeon-e2388g-1s8c");
  const host = { ...eightCores, name: "sixteen-independent-cpus", smtPairThroughput: 2 };
  const withHost = { ...catalogs, hosts: [...catalogs.hosts, host] };
  const offeredRps = (load * CPUS * 1000) / SERVICE_MS;
  const resolved = scenarioFromObject(
    {
      name: "time-sharing-check",
      seed,
      host: { model: host.name },
      vms: [
        {
          name: "wide",
          vcpus: 64,
          memoryGiB: 8,
          workload: {
            arrivals: { ratePerSec: offeredRps },
            timeoutMs: 600_000,
            request: { cpuMs: SERVICE_MS, cpuCv: 1, memoryAccesses: 0, workingSetMiB: 1 / 1024 },
          },
        },
      ],
    },
    "validation",
    withHost,
  );
  const workload = await onlyWorkload(resolved, 10_000, measureMs);
  const offered = load * CPUS;
  return {
    load,
    perRequestMeanMs: workload?.latencyMs?.mean ?? Number.NaN,
    closedFormMeanMs: SERVICE_MS + (erlangC(CPUS, offered) * SERVICE_MS) / (CPUS - offered),
    servedRps: workload?.throughputRps ?? 0,
    offeredRps,
  };
}

/**
 * One CPU shared by Poisson arrivals of lognormal CPU demands (M/G/1), in the per-request twin:
 * one VM of 64 vCPUs pinned to CPU 0 of the 8-core host (its sibling idle), so every request's
 * thread time-shares that CPU. Returns the mean response over the mean demand (the slowdown):
 * 1/(1 - load) under processor sharing whatever the demands' spread, against 1 + load (1 + CV²) /
 * (2 (1 - load)) were the CPU served first come, first served.
 */
export async function oneCpuSlowdown(
  catalogs: Catalogs,
  load: number,
  cv: number,
  seed: number,
  measureMs: number,
): Promise<number> {
  const meanMs = 10;
  const resolved = scenarioFromObject(
    {
      name: "one-cpu-check",
      seed,
      host: { model: "xeon-e2388g-1s8c" },
      vms: [
        {
          name: "one-cpu",
          vcpus: 64,
          memoryGiB: 8,
          affinity: "0",
          workload: {
            arrivals: { ratePerSec: (load * 1000) / meanMs },
            timeoutMs: 600_000,
            request: { cpuMs: meanMs, cpuCv: cv, memoryAccesses: 0, workingSetMiB: 1 / 1024 },
          },
        },
      ],
    },
    "validation",
    catalogs,
  );
  const workload = await onlyWorkload(resolved, 20_000, measureMs);
  return (workload?.latencyMs?.mean ?? Number.NaN) / meanMs;
}
