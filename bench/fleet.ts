// npm run -s bench:fleet
// 1. The fluid mode: 10,000 VMs on 500 hosts for 14 simulated days at 5-minute steps (target:
//    under 30 s on one core, under 2 GB peak memory).
// 2. The per-request mode: the seed-fleet scenario for 10 simulated minutes (events/s).

import { generateFleet } from "../sim/fluid/fleet-generator.js";
import { simulateFleet } from "../sim/fluid/fleet-model.js";
import { SimBackend } from "../sim/sim-backend.js";
import { loadHostCatalog } from "../src/catalog/host-catalog.js";
import { packageRoot } from "../src/package-root.js";
import { loadScenario } from "../src/scenario/load-scenario.js";
import { timeIt } from "./median.js";

const host = loadHostCatalog().find((h) => h.name === "epyc-2s-nps4");
if (host === undefined) throw new Error("host model epyc-2s-nps4 missing");
const spec = generateFleet({ vms: 10_000, hosts: 500, host, days: 14, seed: 1 });
const fluid = timeIt(() => simulateFleet(spec));
const steps = fluid.value;
console.log(
  JSON.stringify({
    case: "fluid-fleet",
    vms: spec.vms.length,
    hosts: spec.hosts,
    simulatedDays: 14,
    steps: steps.length,
    vmSteps: steps.length * spec.vms.length,
    seconds: Number(fluid.seconds.toFixed(3)),
    vmStepsPerSec: Math.round((steps.length * spec.vms.length) / fluid.seconds),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    meanLatencyMs: Number((steps.reduce((s, x) => s + x.meanLatencyMs, 0) / steps.length).toFixed(3)),
  }),
);

const resolved = loadScenario(`${packageRoot()}/scenarios/seed-fleet.yaml`);
const backend = new SimBackend(resolved);
const perRequest = timeIt(() => backend.twin.runUntil(10 * 60 * 1e9));
const events = backend.twin.sim.dispatched;
console.log(
  JSON.stringify({
    case: "per-request-seed-fleet",
    simulatedMinutes: 10,
    events,
    seconds: Number(perRequest.seconds.toFixed(3)),
    eventsPerSec: Math.round(events / perRequest.seconds),
    traceHash: backend.twin.sim.traceHashHex,
  }),
);
