import { meanWithInterval } from "../../src/math/batch-means.js";
import { md1MeanWait, mg1MeanWait, mm1MeanSojourn, mm1MeanWait, mmcMeanWait } from "../../src/math/queueing-theory.js";
import { Simulation } from "../kernel.js";
import { runStationCallbacks, runStationProcesses, type StationResult } from "../queue-station.js";
import { type RandomStream, RandomStreams } from "../rng.js";
import { compareWithValue, type ValidationRow } from "./validation-row.js";

const SECOND = 1e9;
const REPLICATIONS = 5;
const CUSTOMERS = 400_000;
const WARMUP = 20_000;
const QUEUEING_SOURCE = "closed form (Kleinrock, Queueing Systems vol. 1)";
// Five replications of 380k measured customers: the standard error of mean waits is below 0.7%
// at utilization 0.8, so 2.5% is about four standard errors.
const WAIT_TOLERANCE = 0.025;

type ServiceFactory = (stream: RandomStream) => () => number;

interface StationCase {
  name: string;
  lambda: number;
  servers: number;
  service: ServiceFactory;
  processes?: boolean;
}

/**
 * Runs independent replications of a station and returns each result. Each case and replication
 * draws from its own streams, keyed by (seed, case, replication), so rows are independent.
 */
function replicate(seed: number, spec: StationCase): StationResult[] {
  const results: StationResult[] = [];
  for (let r = 0; r < REPLICATIONS; r++) {
    const streams = new RandomStreams(`${seed}/${spec.name}/${r}`);
    const arrivals = streams.stream("arrivals");
    const options = {
      servers: spec.servers,
      customers: CUSTOMERS,
      warmup: WARMUP,
      interarrival: () => Math.round(arrivals.exponential(spec.lambda) * SECOND),
      service: spec.service(streams.stream("services")),
    };
    const sim = new Simulation();
    results.push(spec.processes ? runStationProcesses(sim, options) : runStationCallbacks(sim, options));
  }
  return results;
}

function estimate(results: StationResult[], pick: (result: StationResult) => number) {
  return meanWithInterval(results.map(pick));
}

const exponential =
  (mu: number): ServiceFactory =>
  (stream) =>
  () =>
    Math.round(stream.exponential(mu) * SECOND);

/** The kernel's queueing validation: simulated stations against their closed forms. */
export function queueingRows(seed: number): ValidationRow[] {
  const rows: ValidationRow[] = [];
  const waitRow = (
    model: string,
    caseName: string,
    results: StationResult[],
    reference: number,
    source = QUEUEING_SOURCE,
  ) => {
    const wait = estimate(results, (r) => r.meanWait / SECOND);
    rows.push(
      compareWithValue({
        model,
        case: caseName,
        unit: "s",
        simulated: wait.mean,
        halfWidth: wait.halfWidth,
        reference,
        tolerance: WAIT_TOLERANCE,
        source,
      }),
    );
  };

  const mm1 = replicate(seed, { name: "mm1", lambda: 0.8, servers: 1, service: exponential(1) });
  waitRow("M/M/1", "mean wait Wq, λ=0.8 μ=1", mm1, mm1MeanWait(0.8, 1), "ρ/(μ−λ)");
  const sojourn = estimate(mm1, (r) => r.meanSojourn / SECOND);
  rows.push(
    compareWithValue({
      model: "M/M/1",
      case: "mean sojourn W, λ=0.8 μ=1",
      unit: "s",
      simulated: sojourn.mean,
      halfWidth: sojourn.halfWidth,
      reference: mm1MeanSojourn(0.8, 1),
      tolerance: WAIT_TOLERANCE,
      source: "1/(μ−λ)",
    }),
  );
  const busy = estimate(mm1, (r) => r.utilization);
  rows.push(
    compareWithValue({
      model: "M/M/1",
      case: "server utilization (time-weighted)",
      unit: "",
      simulated: busy.mean,
      halfWidth: busy.halfWidth,
      reference: 0.8,
      tolerance: 0.01,
      source: "ρ = λ/μ",
    }),
  );
  const little = mm1[0] as StationResult;
  rows.push(
    compareWithValue({
      model: "Little's law",
      case: "L against λW on one M/M/1 run",
      unit: "customers",
      simulated: little.little.L,
      reference: little.little.lambda * little.little.W,
      tolerance: 1e-9,
      source: "L = λW (Little 1961), a sample-path identity",
    }),
  );
  const processes = replicate(seed, { name: "mm1", lambda: 0.8, servers: 1, service: exponential(1), processes: true });
  // Same streams as the callback rows: the two paths must agree draw for draw.
  waitRow("M/M/1 (processes)", "mean wait Wq on generator processes", processes, mm1MeanWait(0.8, 1), "ρ/(μ−λ)");
  waitRow(
    "M/D/1",
    "mean wait Wq, λ=0.8, service 1",
    replicate(seed, { name: "md1", lambda: 0.8, servers: 1, service: () => () => SECOND }),
    md1MeanWait(0.8, 1),
    "ρ/(2μ(1−ρ)), half of M/M/1",
  );
  waitRow(
    "M/G/1",
    "Wq, λ=0.7, lognormal service mean 1 CV 1.5",
    replicate(seed, {
      name: "mg1",
      lambda: 0.7,
      servers: 1,
      service: (stream) => () => Math.round(stream.lognormalMeanCv(1, 1.5) * SECOND),
    }),
    mg1MeanWait(0.7, 1, 1.5),
    "Pollaczek–Khinchine",
  );
  waitRow(
    "M/M/c",
    "Wq, c=4, λ=3.2 μ=1",
    replicate(seed, { name: "mmc", lambda: 3.2, servers: 4, service: exponential(1) }),
    mmcMeanWait(3.2, 1, 4),
    "Erlang C",
  );
  return rows;
}
