import { basename, extname } from "node:path";
import { ConfigError } from "../config/config-error.js";
import { readSourceDocument } from "../config/load-yaml.js";
import type { ScenarioOverride } from "./scenario-override.js";
import { ScenarioSchema } from "./scenario-schema.js";
import { checkSchemaPath } from "./schema-path.js";

/**
 * A tuning policy: a name and values for the scenario's `tuning:` section (interval, validation,
 * convergenceTarget, degradationThreshold, maxConcurrent, components, policy), which replace the
 * scenario's own when a comparison runs it. Lists are replaced, not merged.
 *
 *   name: careful
 *   description: judge longer, revert sooner
 *   tuning:
 *     validation: 15m
 *     degradationThreshold: 0.05
 *     maxConcurrent: 2
 */
export interface TuningPolicy {
  name: string;
  description: string;
  file: string;
  overrides: ScenarioOverride[];
}

const TOP_KEYS = ["name", "description", "tuning"];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Reads a policy file; problems name the file, line, key path and what was expected. */
export function loadPolicy(file: string): TuningPolicy {
  const document = readSourceDocument(file);
  /** `at: "key"` for a key that should not be there: the error points at the key, not its value. */
  const fail = (path: (string | number)[], problem: string, at: "value" | "key" = "value"): never => {
    const where = document.locate(path, at);
    throw new ConfigError(file, where?.line, where?.column, path.join("."), problem);
  };
  const data = document.data;
  if (!isPlainObject(data)) return fail([], "expected a mapping with name, description and tuning");
  for (const key of Object.keys(data))
    if (!TOP_KEYS.includes(key)) fail([key], `unknown key '${key}'; a policy has ${TOP_KEYS.join(", ")}`, "key");
  const name = data.name ?? basename(file, extname(file));
  if (typeof name !== "string" || name === "") fail(["name"], "expected a non-empty string");
  const description = data.description ?? "";
  if (typeof description !== "string") fail(["description"], "expected a string");
  const tuning = data.tuning;
  if (!isPlainObject(tuning))
    return fail(["tuning"], "expected a mapping of tuning settings, e.g. degradationThreshold: 0.05");
  if (Object.keys(tuning).length === 0) fail(["tuning"], "expected at least one tuning setting");
  const overrides: ScenarioOverride[] = Object.entries(tuning).map(([key, value]) => {
    const problem = checkSchemaPath(ScenarioSchema, ["tuning", key]);
    if (problem !== null) fail(["tuning", key], problem.problem, "key");
    const at = document.locate(["tuning", key]);
    // The label stands where a file name does in errors, so a bad value points at its line.
    const label = at === undefined ? file : `${file}:${at.line}:${at.column}`;
    return { path: ["tuning", key], value, label };
  });
  return { name: name as string, description: description as string, file, overrides };
}
