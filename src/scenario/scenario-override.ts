import { ConfigError, formatKeyPath } from "../config/config-error.js";
import { ScenarioSchema } from "./scenario-schema.js";
import { checkSchemaPath, defaultAt } from "./schema-path.js";

/** One value set on the command line: a key path into the scenario and the value (already parsed). */
export interface ScenarioOverride {
  path: (string | number)[];
  value: unknown;
  /** How the user wrote it, for errors: "--set tuning.interval=2m". */
  label: string;
}

/** "vms[0].workload.arrivals.clients" or "vms.0.workload..." → ["vms", 0, "workload", ...]. */
export function parseKeyPath(text: string): (string | number)[] {
  const path: (string | number)[] = [];
  for (const part of text.split(".")) {
    const match = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (match === null || (match[1] === "" && match[2] === "")) return [];
    if (match[1] !== "") path.push(/^\d+$/.test(match[1] as string) ? Number(match[1]) : (match[1] as string));
    for (const index of (match[2] as string).matchAll(/\[(\d+)\]/g)) path.push(Number(index[1]));
  }
  return path;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Applies overrides to a scenario's merged data (a copy is returned). A path the schema does not
 * have, or a list index past the end, is a ConfigError naming the flag, the key path and what
 * exists there.
 */
export function applyOverrides(data: unknown, overrides: readonly ScenarioOverride[]): unknown {
  if (overrides.length === 0) return data;
  const root = structuredClone(data) as Record<string, unknown>;
  for (const override of overrides) {
    const { path, label } = override;
    if (path.length === 0)
      throw new ConfigError(label, undefined, undefined, "", "expected a key path like tuning.interval");
    // Includes are read before overrides apply: one set here would change nothing but the hash.
    if (path[0] === "include")
      throw new ConfigError(
        label,
        undefined,
        undefined,
        "include",
        "cannot be set on the command line: includes are read with the file; edit the scenario's include instead",
      );
    const problem = checkSchemaPath(ScenarioSchema, path);
    if (problem !== null)
      throw new ConfigError(
        label,
        undefined,
        undefined,
        formatKeyPath(path.slice(0, problem.depth + 1)),
        problem.problem,
      );
    let node: unknown = root;
    for (let depth = 0; depth < path.length - 1; depth++) {
      const key = path[depth] as string | number;
      const at = formatKeyPath(path.slice(0, depth + 1));
      if (typeof key === "number") {
        const list = node as unknown[];
        if (key >= list.length)
          throw new ConfigError(
            label,
            undefined,
            undefined,
            at,
            `index past the end: the scenario has ${list.length} entries here`,
          );
        node = list[key];
        continue;
      }
      const container = node as Record<string, unknown>;
      const nextIsIndex = typeof path[depth + 1] === "number";
      // A list the file leaves out is its default, which a flag may index into.
      if (nextIsIndex && container[key] === undefined) {
        const fallback = defaultAt(ScenarioSchema, path.slice(0, depth + 1));
        if (Array.isArray(fallback)) container[key] = fallback;
      }
      if (nextIsIndex && !Array.isArray(container[key]))
        throw new ConfigError(
          label,
          undefined,
          undefined,
          at,
          `the scenario file has no list here to index: write the list in the file, or set it whole with --set '${at}=[...]'`,
        );
      if (!nextIsIndex && !isPlainObject(container[key])) container[key] = {};
      node = container[key];
    }
    const last = path.at(-1) as string | number;
    if (typeof last === "number" && Array.isArray(node) && last > node.length)
      throw new ConfigError(
        label,
        undefined,
        undefined,
        formatKeyPath(path),
        `index past the end: the list has ${node.length} entries`,
      );
    (node as Record<string | number, unknown>)[last] = override.value;
  }
  return root;
}

/** The override that set `path` or one of its parents, if any. */
export function overrideAt(
  overrides: readonly ScenarioOverride[],
  path: readonly PropertyKey[],
): ScenarioOverride | undefined {
  return [...overrides]
    .reverse()
    .find((o) => o.path.length <= path.length && o.path.every((key, i) => key === path[i]));
}

/** The last override that set something inside `path` (a problem with a whole list, one item of which a flag set). */
export function overrideWithin(
  overrides: readonly ScenarioOverride[],
  path: readonly PropertyKey[],
): ScenarioOverride | undefined {
  return [...overrides].reverse().find((o) => o.path.length > path.length && path.every((key, i) => key === o.path[i]));
}
