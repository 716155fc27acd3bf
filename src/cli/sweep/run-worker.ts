// A worker thread of the sweep pool: loads the scenario with the run's overrides and runs it.
// Runs share nothing but the read-only catalogs, so a run's result does not depend on which
// worker ran it or what ran before it there.
import type { RunResult } from "../../report/run-result.js";
import type { ScenarioOverride } from "../../scenario/scenario-override.js";
import { loadScenarioForCli, runScenario } from "../scenario-runner.js";

/** One run: a scenario file, the values set on it, a seed. */
export interface RunTask {
  file: string;
  overrides: ScenarioOverride[];
  seed: number;
}

export async function runTask(task: RunTask): Promise<RunResult> {
  const resolved = loadScenarioForCli(task.file, task.overrides);
  return runScenario(resolved, { seed: task.seed });
}

export default runTask;
