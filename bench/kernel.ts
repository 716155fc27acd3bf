// npm run -s bench:kernel [-- --repeat N]
// Prints one JSON object per case: the median over N runs (default 5) of the kernel's event rate.
import { parseArgs } from "node:util";
import { Simulation } from "../sim/kernel.js";
import { runStationCallbacks, runStationProcesses, type StationOptions } from "../sim/queue-station.js";
import { RandomStreams } from "../sim/rng.js";
import { mm1MeanWait } from "../src/math/queueing-theory.js";
import { median, timeIt } from "./median.js";

const SECOND = 1e9;
const { values } = parseArgs({ options: { repeat: { type: "string", default: "5" } } });
const repeat = Number(values.repeat);

function mm1(kind: "callback" | "process", customers: number, seed: number) {
  const streams = new RandomStreams(seed);
  const arrivals = streams.stream("arrivals");
  const services = streams.stream("services");
  const options: StationOptions = {
    servers: 1,
    customers,
    warmup: Math.min(10_000, customers / 10),
    interarrival: () => Math.round(arrivals.exponential(0.8) * SECOND),
    service: () => Math.round(services.exponential(1.0) * SECOND),
  };
  const sim = new Simulation();
  const result = kind === "callback" ? runStationCallbacks(sim, options) : runStationProcesses(sim, options);
  return { events: sim.dispatched, meanWait: result.meanWait / SECOND, traceHash: sim.traceHashHex };
}

function hold(pending: number, dispatches: number, seed: number) {
  const sim = new Simulation();
  const stream = new RandomStreams(seed).stream("hold");
  let left = dispatches;
  const next = (): void => {
    sim.schedule(Math.round(stream.exponential(1) * SECOND), next);
    if (--left === 0) sim.stop();
  };
  for (let i = 0; i < pending; i++) sim.schedule(Math.round(stream.exponential(1) * SECOND), next);
  const { seconds } = timeIt(() => sim.run());
  return { events: sim.dispatched, seconds };
}

function report(name: string, runs: { events: number; seconds: number }[], extra: Record<string, unknown> = {}) {
  const seconds = median(runs.map((run) => run.seconds));
  const events = runs[0]?.events ?? 0;
  console.log(
    JSON.stringify({
      case: name,
      events,
      seconds: Number(seconds.toFixed(4)),
      eventsPerSec: Math.round(events / seconds),
      repeats: runs.length,
      ...extra,
    }),
  );
}

for (const kind of ["callback", "process"] as const) {
  mm1(kind, 50_000, 1); // warm the JIT
  const runs = [];
  let last = { meanWait: 0, traceHash: "" };
  for (let r = 0; r < repeat; r++) {
    const { seconds, value } = timeIt(() => mm1(kind, 1_000_000, 42));
    runs.push({ events: value.events, seconds });
    last = value;
  }
  const customersPerSec = Math.round(1_000_000 / median(runs.map((run) => run.seconds)));
  report(`mm1-${kind}`, runs, {
    customers: 1_000_000,
    customersPerSec,
    meanWait: Number(last.meanWait.toFixed(4)),
    theoryMeanWait: mm1MeanWait(0.8, 1.0),
    traceHash: last.traceHash,
  });
}

for (const pending of [100, 10_000, 1_000_000]) {
  hold(pending, 100_000, 7);
  const runs = [];
  for (let r = 0; r < repeat; r++) runs.push(hold(pending, 2_000_000, 42 + r));
  report(`hold-${pending}`, runs, { pending });
}
