// npm run -s bench:run
// Wall time of `twintune run` on scenarios/seed-fleet.yaml (the orchestrator with its what-if and
// validation forks, then the before/after evaluation), median of 3 runs. Target: under 60 s.
// The forks run on worker threads as `twintune run` runs them (BENCH_THREADS overrides: 1 runs
// them in process).

import { availableParallelism } from "node:os";
import { runTuning } from "../sim/tuning-run.js";
import { packageRoot } from "../src/package-root.js";
import { loadScenario } from "../src/scenario/load-scenario.js";
import { median } from "./median.js";

const resolved = loadScenario(`${packageRoot()}/scenarios/seed-fleet.yaml`);
const threads = Number(process.env.BENCH_THREADS ?? Math.min(4, availableParallelism()));
const seconds: number[] = [];
let last: Awaited<ReturnType<typeof runTuning>> | undefined;
for (let run = 0; run < 3; run++) {
  const start = process.hrtime.bigint();
  last = await runTuning(resolved, { forkThreads: threads });
  seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
}
console.log(
  JSON.stringify({
    case: "run-seed-fleet",
    forkThreads: threads,
    runs: seconds.map((s) => Number(s.toFixed(2))),
    medianSeconds: Number(median(seconds).toFixed(2)),
    throughputChangePct: last
      ? Number(
          (((last.tuned.throughputRps - last.baseline.throughputRps) / last.baseline.throughputRps) * 100).toFixed(1),
        )
      : null,
    p95ChangePct: last
      ? Number((((last.tuned.p95LatencyMs - last.baseline.p95LatencyMs) / last.baseline.p95LatencyMs) * 100).toFixed(1))
      : null,
    convergedAtMinutes: last?.convergence.atMinutes ?? null,
  }),
);
