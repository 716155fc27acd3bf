// npm run -s bench:sweep
// Wall time of the same 16 runs (seed-fleet, seeds 1-16) on the sweep's worker pool at 1 and at
// 2 workers, and the speedup. A full seed-fleet run takes minutes, so the runs are shortened
// with --set: duration=5m, tuning.interval=2m, tuning.validation=3m (one tuning round: observe,
// rank by what-if runs, apply, validate), evaluation.warmup=30s, evaluation.window=1m. The runs
// are CPU-bound and share nothing, so the speedup is bounded by the free cores. BENCH_REPEAT=3 alternates 1 and 2 workers three times
// and reports medians. Also checks that both worker counts gave identical results.

import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { createRunPool } from "../src/cli/sweep/run-pool.js";
import type { RunTask } from "../src/cli/sweep/run-worker.js";
import { packageRoot } from "../src/package-root.js";
import { parseKeyPath } from "../src/scenario/scenario-override.js";
import { median } from "./median.js";

const SETS: Record<string, string> = {
  duration: "5m",
  "tuning.interval": "2m",
  "tuning.validation": "3m",
  "evaluation.warmup": "30s",
  "evaluation.window": "1m",
};
const RUNS = 16;
const repeat = Number(process.env.BENCH_REPEAT ?? 1);
const file = join(packageRoot(), "scenarios", "seed-fleet.yaml");
const overrides = Object.entries(SETS).map(([key, value]) => ({
  path: parseKeyPath(key),
  value,
  label: `--set ${key}=${value}`,
}));
const tasks: RunTask[] = Array.from({ length: RUNS }, (_, i) => ({ file, overrides, seed: i + 1 }));

async function timeSweep(workers: number): Promise<{ seconds: number; cpuSeconds: number; traces: string[] }> {
  const pool = createRunPool(workers);
  try {
    // Start the workers and load their modules before the clock starts (a sweep pays this once):
    // the shortest run the scenario checks accept (3 simulated minutes, 10 s window), no tuners.
    const warmUp: RunTask = {
      file,
      seed: 1,
      overrides: Object.entries({
        duration: "3m",
        "tuning.interval": "1m",
        "tuning.validation": "1m",
        "tuning.components": [],
        "evaluation.warmup": "1s",
        "evaluation.window": "10s",
      }).map(([key, value]) => ({ path: parseKeyPath(key), value, label: "warm-up" })),
    };
    await Promise.all(Array.from({ length: workers }, () => pool.run(warmUp)));
    const cpuBefore = process.cpuUsage();
    const start = process.hrtime.bigint();
    const results = await Promise.all(tasks.map((task) => pool.run(task)));
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    // CPU time of the whole process, worker threads included: how many cores the pool kept busy.
    const cpu = process.cpuUsage(cpuBefore);
    return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, traces: results.map((r) => r.traceHash) };
  } finally {
    await pool.close();
  }
}

const times: Record<number, number[]> = { 1: [], 2: [] };
let reference: string[] | undefined;
let identical = true;
for (let round = 0; round < repeat; round++) {
  for (const workers of [1, 2]) {
    const { seconds, cpuSeconds, traces } = await timeSweep(workers);
    reference ??= traces;
    identical &&= JSON.stringify(traces) === JSON.stringify(reference);
    (times[workers] as number[]).push(seconds);
    console.log(
      JSON.stringify({
        case: "sweep",
        scenario: "seed-fleet",
        set: SETS,
        runs: RUNS,
        workers,
        round,
        wallSeconds: Number(seconds.toFixed(2)),
        // CPU time of the process (worker threads included) over wall time: the cores the pool got.
        cpuSeconds: Number(cpuSeconds.toFixed(2)),
        coresBusy: Number((cpuSeconds / seconds).toFixed(2)),
        loadAverage1m: Number((loadavg()[0] ?? 0).toFixed(2)),
      }),
    );
  }
}
const one = median(times[1] as number[]);
const two = median(times[2] as number[]);
console.log(
  JSON.stringify({
    case: "sweep-speedup",
    runs: RUNS,
    repeat,
    wallSeconds1Worker: Number(one.toFixed(2)),
    wallSeconds2Workers: Number(two.toFixed(2)),
    speedup: Number((one / two).toFixed(3)),
    identicalResults: identical,
    cpus: availableParallelism(),
    loadAverage1m: Number((loadavg()[0] ?? 0).toFixed(2)),
  }),
);
