import type { Change, KnobValue } from "../src/backend.js";
import { InstanceCatalog } from "../src/catalog/instance-catalog.js";
import type { InstanceType } from "../src/catalog/instance-type.js";
import type { ResolvedScenario } from "../src/scenario/load-scenario.js";
import { type ForkResult, ForkRunner } from "./fork-runner.js";
import { instanceLookup } from "./instance-lookup.js";

/** What a worker needs to build the twin of a run: plain data, so it crosses the thread boundary. */
export interface ForkSetup {
  /** Identifies the scenario and warm-up, so a worker builds each runner once. */
  key: string;
  resolved: ResolvedScenario;
  /** The instance types the twin prices VMs with (absent: the twin's own prices). */
  instanceTypes?: readonly InstanceType[];
  hoursPerMonth?: number;
  warmupMs: number;
}

export interface ForkTask {
  setup: ForkSetup;
  seed: number;
  state: [string, KnobValue][];
  changes: Change[];
  windowMs: number;
  sampleMs: number;
}

const runners = new Map<string, ForkRunner>();

function runnerFor(setup: ForkSetup): ForkRunner {
  const known = runners.get(setup.key);
  if (known !== undefined) return known;
  const instances =
    setup.instanceTypes === undefined
      ? undefined
      : instanceLookup(
          new InstanceCatalog(setup.instanceTypes, {
            ...(setup.hoursPerMonth === undefined ? {} : { hoursPerMonth: setup.hoursPerMonth }),
          }),
        );
  const runner = new ForkRunner(setup.resolved, instances, setup.warmupMs);
  runners.set(setup.key, runner);
  return runner;
}

/** One fork on a worker thread: the same run ForkRunner does in process, so results are identical. */
export default function runFork(task: ForkTask): Promise<ForkResult> {
  return runnerFor(task.setup).run(task.seed, new Map(task.state), task.changes, task.windowMs, task.sampleMs);
}
