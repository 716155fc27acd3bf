// npm run -s bench:rightsize
// Right-sizing at fleet scale, one JSON line per measurement:
// - analysis: 10,000 VMs × 14 days of 5-minute samples (40.3 million samples, every trace.csv
//   column) fed one by one, as sim/fleet/feed.ts feeds them, to
//   RightSizer.observe, then recommend() for every VM. Generating the twin's demand is not timed.
// - ingestion: a twin-generated trace.csv read by the trace reader into a RightSizer (rows/s).
// The script runs with --single-threaded-gc (package.json): the process's CPU seconds are the work
// of one core. On a shared machine wall seconds include time spent waiting for a core; both are
// printed, with the load average.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import os, { tmpdir } from "node:os";
import { join } from "node:path";
import { feedObserved, observedVm } from "../sim/fleet/feed.js";
import { generateFleetFiles } from "../sim/fleet/fleet-files.js";
import { FleetWorkload } from "../sim/fleet/fleet-workload.js";
import { loadCatalog } from "../src/catalog/catalog-loader.js";
import { readTrace } from "../src/trace/trace-reader.js";
import { RightSizer } from "../src/tuners/rightsize/right-sizer.js";
import { median } from "./median.js";

const VMS = Number(process.env.BENCH_VMS ?? 10_000);
const DAYS = 14;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const catalog = loadCatalog();
const mb = (bytes: number) => Math.round(bytes / 1e6);
const now = () => process.hrtime.bigint();
const seconds = (from: bigint, to: bigint) => Number(to - from) / 1e9;

function analysis(run: number): { wall: number; cpu: number } {
  const fleet = new FleetWorkload({ seed: 1, vms: VMS, catalog });
  const sizer = new RightSizer(catalog);
  const steps = (DAYS * 86_400) / fleet.stepSeconds;
  let observeSeconds = 0;
  let observeCpu = 0;
  for (let i = 0; i < VMS; i++) {
    const vm = observedVm(fleet, i, DAYS);
    fleet.forget(i);
    const cpuStart = process.cpuUsage();
    const start = now();
    feedObserved(fleet, vm, sizer);
    observeSeconds += seconds(start, now());
    observeCpu += cpuSince(cpuStart);
  }
  const cpuStart = process.cpuUsage();
  const start = now();
  const recommendations = sizer.recommend();
  const recommendSeconds = seconds(start, now());
  const recommendCpu = cpuSince(cpuStart);
  const total = observeSeconds + recommendSeconds;
  console.log(
    JSON.stringify({
      case: "analysis",
      run,
      vms: VMS,
      samples: VMS * steps,
      observeSeconds: round(observeSeconds),
      recommendSeconds: round(recommendSeconds),
      seconds: round(total),
      observeCpuSeconds: round(observeCpu),
      recommendCpuSeconds: round(recommendCpu),
      cpuSeconds: round(observeCpu + recommendCpu),
      samplesPerSecond: Math.round((VMS * steps) / total),
      recommendations: recommendations.length,
      heapUsedMB: mb(process.memoryUsage().heapUsed),
      arrayBuffersMB: mb(process.memoryUsage().arrayBuffers),
      peakRssMB: Math.round(process.resourceUsage().maxRSS / 1000),
    }),
  );
  return { wall: total, cpu: observeCpu + recommendCpu };
}

/** CPU seconds (user + system, all threads) since `start`: with a single-threaded GC, the work of one core. */
function cpuSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

async function ingestion(): Promise<number[]> {
  const dir = mkdtempSync(join(tmpdir(), "twintune-bench-"));
  try {
    const fleet = new FleetWorkload({ seed: 2, vms: 500, catalog });
    const { tracePath, rows } = await generateFleetFiles({
      fleet,
      seed: 2,
      traceDays: DAYS,
      horizonDays: 7,
      outDir: dir,
    });
    const bytes = statSync(tracePath).size;
    const rates: number[] = [];
    for (let run = 0; run < 3; run++) {
      const sizer = new RightSizer(catalog);
      const cpuStart = process.cpuUsage();
      const start = now();
      const summary = readTrace(tracePath, { catalog, onRow: (vm, sample, type) => sizer.observe(vm, sample, type) });
      const elapsed = seconds(start, now());
      const cpu = cpuSince(cpuStart);
      rates.push(summary.rows / cpu);
      console.log(
        JSON.stringify({
          case: "csv-ingestion",
          run,
          rows,
          megabytes: mb(bytes),
          seconds: round(elapsed),
          cpuSeconds: round(cpu),
          rowsPerSecond: Math.round(summary.rows / elapsed),
          rowsPerCpuSecond: Math.round(summary.rows / cpu),
          megabytesPerCpuSecond: round(bytes / 1e6 / cpu),
        }),
      );
    }
    return rates;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

const runs: { wall: number; cpu: number }[] = [];
for (let run = 0; run < RUNS; run++) runs.push(analysis(run));
const cpuMedian = median(runs.map((r) => r.cpu));
const rates = await ingestion();
const peakRssMB = Math.round(process.resourceUsage().maxRSS / 1000);
console.log(
  JSON.stringify({
    case: "summary",
    vms: VMS,
    samples: VMS * (DAYS * 288),
    analysisSecondsMedian: round(median(runs.map((r) => r.wall))),
    analysisCpuSecondsMedian: round(cpuMedian),
    within15sOfOneCore: cpuMedian < 15,
    peakRssMB,
    within1_5GB: peakRssMB < 1500,
    csvRowsPerCpuSecondMedian: Math.round(median(rates)),
    load: os.loadavg().map((l) => Math.round(l * 100) / 100),
    cores: os.availableParallelism(),
    node: process.version,
  }),
);
