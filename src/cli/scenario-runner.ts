import { runFleetTuning } from "../../sim/fluid/fleet-run.js";
import { runTuning } from "../../sim/tuning-run.js";
import { ConfigError } from "../config/config-error.js";
import type { OrchestratorUpdate } from "../orchestrator/tuning-event.js";
import type { RunResult } from "../report/run-result.js";
import { type Catalogs, loadCatalogs, loadScenario, type ResolvedScenario } from "../scenario/load-scenario.js";
import type { ScenarioOverride } from "../scenario/scenario-override.js";
import { UsageError, UserError } from "./errors.js";
import { isSetFlagLabel } from "./set-flags.js";

export interface ScenarioRunOptions {
  seed?: number;
  measureComponents?: boolean;
  /** Worker threads for the twin's forks (host scenarios; 1 or absent: in process). */
  forkThreads?: number;
  onUpdate?: (update: OrchestratorUpdate) => void;
}

/**
 * Runs a scenario the way its kind needs: a host scenario on the per-request twin with the
 * orchestrator (sim/tuning-run.ts), a fleet scenario in the fluid mode (sim/fluid/fleet-run.ts).
 * Both give the same RunResult shape.
 */
export async function runScenario(resolved: ResolvedScenario, options: ScenarioRunOptions = {}): Promise<RunResult> {
  if (resolved.scenario.fleet !== undefined) return runFleetTuning(resolved, options);
  return runTuning(resolved, options);
}

let catalogs: Catalogs | undefined;

/**
 * Loads a scenario with overrides; a problem in the file becomes a UserError naming file, line and
 * key path (exit 1), a bad `--set` value a UsageError (exit 2, like any other bad flag value).
 */
export function loadScenarioForCli(file: string, overrides: readonly ScenarioOverride[] = []): ResolvedScenario {
  try {
    catalogs ??= loadCatalogs();
    return loadScenario(file, catalogs, overrides, { tuningRun: true });
  } catch (error) {
    if (error instanceof ConfigError) {
      // An error located at a --set override names the flag as its file.
      throw isSetFlagLabel(error.file) ? new UsageError(error.message) : new UserError(error.message);
    }
    throw error;
  }
}
