import { runFleetTuning } from "../../sim/fluid/fleet-run.js";
import { runTuning } from "../../sim/tuning-run.js";
import { ConfigError } from "../config/config-error.js";
import { readSourceDocument } from "../config/load-yaml.js";
import type { OrchestratorUpdate } from "../orchestrator/tuning-event.js";
import type { RunResult } from "../report/run-result.js";
import { type Catalogs, loadCatalogs, loadScenario, type ResolvedScenario } from "../scenario/load-scenario.js";
import type { ScenarioOverride } from "../scenario/scenario-override.js";
import type { Scenario } from "../scenario/scenario-schema.js";
import { UserError } from "./errors.js";

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

/** Loads a scenario with overrides; a problem in it (or in a --set) becomes a UserError naming file, line and key path. */
export function loadScenarioForCli(file: string, overrides: readonly ScenarioOverride[] = []): ResolvedScenario {
  try {
    catalogs ??= loadCatalogs();
    const resolved = loadScenario(file, catalogs, overrides);
    checkTuningTime(resolved.scenario, file, overrides);
    return resolved;
  } catch (error) {
    if (error instanceof ConfigError) throw new UserError(error.message);
    throw error;
  }
}

/**
 * A tuning run must have time to apply one change and validate it: otherwise every change would
 * be judged after the run ended. (Fleet scenarios have their own rule on observe + validation.)
 */
function checkTuningTime(scenario: Scenario, file: string, overrides: readonly ScenarioOverride[]): void {
  if (scenario.fleet !== undefined) return;
  const needed = scenario.tuning.interval + scenario.tuning.validation;
  if (scenario.duration >= needed) return;
  const set = overrides.filter((o) => ["duration", "tuning.interval", "tuning.validation"].includes(o.path.join(".")));
  const where = set.length > 0 ? set.map((o) => o.label).join(", ") : locatedKey(file, "duration");
  throw new ConfigError(
    where,
    undefined,
    undefined,
    "duration",
    `expected at least ${needed / 60_000} min (tuning.interval + tuning.validation: time to apply one change and validate it), got ${scenario.duration / 60_000} min`,
  );
}

/** `file:line:column` of a top-level key when the file sets it, else the file. */
function locatedKey(file: string, key: string): string {
  try {
    const at = readSourceDocument(file).locate([key]);
    return at === undefined ? file : `${file}:${at.line}:${at.column}`;
  } catch {
    return file;
  }
}
