// npm run -s bench:sharing
// The per-request twin's time sharing against its closed form: one VM of 64 vCPUs on 16 CPUs that
// never slow each other (the catalog's 8-core host with SMT made free, pair throughput 2), asked
// for 50-95% of the CPUs with requests of 1 ms (exponential-like: lognormal, CV 1). More vCPUs
// than CPUs, so the host's CPUs are an M/M/16 queue and the mean response time is
// S + C(16, a) S / (16 - a) (Erlang C; processor sharing has the same mean). One JSON line per load.

import { SimBackend } from "../sim/sim-backend.js";
import { erlangC } from "../src/math/queueing-theory.js";
import { loadCatalogs, scenarioFromObject } from "../src/scenario/load-scenario.js";

const catalogs = loadCatalogs();
const eightCores = catalogs.hosts.find((h) => h.name === "xeon-e2388g-1s8c");
if (eightCores === undefined) throw new Error("host model xeon-e2388g-1s8c missing");
const host = { ...eightCores, name: "sixteen-independent-cpus", smtPairThroughput: 2 };
const withHost = { ...catalogs, hosts: [...catalogs.hosts, host] };
const cpus = 16;
const serviceMs = 1;

for (const load of [0.5, 0.8, 0.9, 0.95]) {
  const ratePerSec = (load * cpus * 1000) / serviceMs;
  const resolved = scenarioFromObject(
    {
      name: "time-sharing-check",
      seed: 3,
      host: { model: host.name },
      vms: [
        {
          name: "wide",
          vcpus: 64,
          memoryGiB: 8,
          workload: {
            arrivals: { ratePerSec },
            timeoutMs: 600_000,
            request: { cpuMs: serviceMs, cpuCv: 1, memoryAccesses: 0 },
          },
        },
      ],
    },
    "bench",
    withHost,
  );
  const backend = new SimBackend(resolved);
  await backend.clock.sleep(10_000);
  await backend.observe();
  await backend.clock.sleep(60_000);
  const workload = (await backend.observe()).workloads[0];
  const perRequestMs = workload?.latencyMs?.mean ?? Number.NaN;
  const offered = load * cpus;
  const closedFormMs = serviceMs + (erlangC(cpus, offered) * serviceMs) / (cpus - offered);
  console.log(
    JSON.stringify({
      case: "time-sharing-vs-mmc",
      load,
      perRequestMeanMs: Number(perRequestMs.toFixed(3)),
      closedFormMeanMs: Number(closedFormMs.toFixed(3)),
      relativeError: Number((perRequestMs / closedFormMs - 1).toFixed(3)),
      servedRps: Math.round(workload?.throughputRps ?? 0),
      offeredRps: ratePerSec,
    }),
  );
}
