import { Piscina } from "piscina";
import type { InstanceCatalog } from "../src/catalog/instance-catalog.js";
import { fnv1aHex } from "../src/math/fnv.js";
import { LogHistogram } from "../src/metrics/log-histogram.js";
import type { ResolvedScenario } from "../src/scenario/load-scenario.js";
import { workerScript } from "../src/worker-script.js";
import type { ForkExecutor, ForkResult } from "./fork-runner.js";
import type { ForkSetup, ForkTask } from "./fork-worker.js";

/**
 * Runs forks on worker threads. A round's what-if candidates and due validations are independent
 * runs of the twin, so on n cores they take about 1/n of the time; each is the same seeded run
 * as in process, so the results do not depend on the thread count. Call close() when done.
 */
export class ForkPool {
  private readonly pool: Piscina;

  private readonly base: Omit<ForkSetup, "key" | "warmupMs">;

  private readonly scenarioKey: string;

  constructor(resolved: ResolvedScenario, catalog: InstanceCatalog | undefined, threads: number) {
    if (!Number.isInteger(threads) || threads < 1)
      throw new RangeError(`threads must be a positive integer, got ${threads}`);
    this.scenarioKey = fnv1aHex(`${resolved.file}/${JSON.stringify(resolved.scenario)}`);
    this.base = {
      resolved,
      ...(catalog === undefined ? {} : { instanceTypes: catalog.types, hoursPerMonth: catalog.hoursPerMonth }),
    };
    const { filename, execArgv } = workerScript("fork-worker", import.meta.url);
    this.pool = new Piscina({ filename, execArgv, minThreads: threads, maxThreads: threads, idleTimeout: 30_000 });
  }

  /** Forks that warm up for `warmupMs` before they measure, run on this pool's threads. */
  runner(warmupMs: number): ForkExecutor {
    const setup: ForkSetup = { ...this.base, key: `${this.scenarioKey}/${warmupMs}`, warmupMs };
    return {
      run: (seed, state, changes, windowMs, sampleMs) => {
        const task: ForkTask = { setup, seed, state: [...state], changes: [...changes], windowMs, sampleMs };
        const result = this.pool.run(task) as Promise<ForkResult>;
        return result.then((clone) => ({ ...clone, latencyUs: LogHistogram.revive(clone.latencyUs) }));
      },
    };
  }

  close(): Promise<void> {
    return this.pool.destroy();
  }
}
