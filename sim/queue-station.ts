import type { Simulation } from "./kernel.js";
import { Resource } from "./resource.js";
import { TimeWeighted } from "./time-weighted.js";

/** A G/G/c FIFO station: c servers, one line, arrival and service times drawn in integer ns. */
export interface StationOptions {
  servers: number;
  /** Customers to generate; the run ends when the last one leaves. */
  customers: number;
  /** The first `warmup` customers are left out of the wait statistics (start-up bias). */
  warmup?: number;
  /** Time to the next arrival, ns. */
  interarrival: () => number;
  /** Service time of one customer, ns. */
  service: () => number;
}

export interface StationResult {
  /** Customers measured (after warm-up). */
  customers: number;
  /** Each measured customer's wait in line, ns, in arrival order. */
  waits: Float64Array;
  /** Each measured customer's time in system, ns, in arrival order. */
  sojourns: Float64Array;
  meanWait: number;
  meanSojourn: number;
  /** Over the whole run (from empty to empty): time-average number in system L, arrival rate λ (per ns) and mean sojourn W of all customers. L = λW must hold on every run. */
  little: { L: number; lambda: number; W: number };
  utilization: number;
  endTime: number;
}

/** Bookkeeping shared by the callback and the process versions of the station. */
class StationStats {
  readonly waits: Float64Array;
  readonly sojourns: Float64Array;
  private readonly inSystem: TimeWeighted;
  private count = 0;
  private sojournTotal = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly options: StationOptions,
  ) {
    const measured = options.customers - (options.warmup ?? 0);
    if (!Number.isInteger(options.customers) || options.customers < 1 || measured < 1) {
      throw new RangeError("a station needs a positive integer number of customers beyond the warm-up");
    }
    this.waits = new Float64Array(measured);
    this.sojourns = new Float64Array(measured);
    this.inSystem = new TimeWeighted(sim.now, 0);
  }

  arrived(): void {
    this.inSystem.update(this.sim.now, ++this.count);
  }

  /** Records a customer (by arrival index) as it starts service. */
  served(index: number, wait: number, service: number): void {
    this.sojournTotal += wait + service;
    const at = index - (this.options.warmup ?? 0);
    if (at >= 0) {
      this.waits[at] = wait;
      this.sojourns[at] = wait + service;
    }
  }

  departed(): void {
    this.inSystem.update(this.sim.now, --this.count);
  }

  result(busyServers: number): StationResult {
    const { customers, servers } = this.options;
    const end = this.sim.now;
    return {
      customers: this.waits.length,
      waits: this.waits,
      sojourns: this.sojourns,
      meanWait: mean(this.waits),
      meanSojourn: mean(this.sojourns),
      little: { L: this.inSystem.mean(end), lambda: customers / end, W: this.sojournTotal / customers },
      utilization: busyServers / servers,
      endTime: end,
    };
  }
}

function mean(values: Float64Array): number {
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/** Runs the station on plain callbacks, the kernel's fast path, until the last customer leaves. */
export function runStationCallbacks(sim: Simulation, options: StationOptions): StationResult {
  const { servers, customers, interarrival, service } = options;
  const stats = new StationStats(sim, options);
  const busy = new TimeWeighted(sim.now, 0);
  let line = new Float64Array(1024);
  let lineHead = 0;
  let lineTail = 0;
  let busyServers = 0;
  let arrivals = 0;
  let started = 0;

  const begin = (arrivalTime: number): void => {
    const duration = service();
    stats.served(started++, sim.now - arrivalTime, duration);
    sim.schedule(duration, depart);
  };
  const arrive = (): void => {
    arrivals++;
    stats.arrived();
    if (busyServers < servers) {
      busy.update(sim.now, ++busyServers);
      begin(sim.now);
    } else {
      if (lineTail === line.length) {
        const grown = new Float64Array(line.length * 2);
        grown.set(line.subarray(lineHead, lineTail));
        lineTail -= lineHead;
        lineHead = 0;
        line = grown;
      }
      line[lineTail++] = sim.now;
    }
    if (arrivals < customers) sim.schedule(interarrival(), arrive);
  };
  const depart = (): void => {
    stats.departed();
    if (lineHead < lineTail) {
      begin(line[lineHead++] as number);
      if (lineHead === lineTail) lineHead = lineTail = 0;
    } else {
      busy.update(sim.now, --busyServers);
    }
  };

  sim.schedule(interarrival(), arrive);
  sim.run();
  return stats.result(busy.mean(sim.now));
}

/** The same station written as SimPy-style generator processes over a Resource. */
export function runStationProcesses(sim: Simulation, options: StationOptions): StationResult {
  const { servers, customers, interarrival, service } = options;
  const stats = new StationStats(sim, options);
  const server = new Resource(sim, servers, "server");

  function* customer(index: number) {
    const arrival = sim.now;
    stats.arrived();
    const request = server.request();
    yield request;
    const duration = service();
    stats.served(index, sim.now - arrival, duration);
    yield duration;
    server.release(request);
    stats.departed();
  }
  function* source() {
    for (let index = 0; index < customers; index++) {
      yield interarrival();
      sim.process(customer(index));
    }
  }

  sim.process(source());
  sim.run();
  return stats.result(server.busy.mean(sim.now));
}
