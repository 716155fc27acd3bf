import { parse } from "yaml";
import { parseKeyPath, type ScenarioOverride } from "../scenario/scenario-override.js";
import { UsageError } from "./errors.js";

const SET_LABEL = "--set ";

/** Whether an override came from a `--set` flag (its label is how it was typed), not from a file. */
export function isSetFlagLabel(label: string): boolean {
  return label.startsWith(SET_LABEL);
}

/** One `--set key=v1,v2` flag: the key path and each value, parsed as YAML (0.1, bbr, [1, 2], 5m). */
export interface SetFlag {
  key: string;
  path: (string | number)[];
  values: unknown[];
  /** The values as written, for labels. */
  texts: string[];
}

/** Splits on commas outside brackets, braces and quotes: "1,[2,3],'a,b'" → ["1", "[2,3]", "'a,b'"]. */
export function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let current = "";
  for (const char of text) {
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === "[" || char === "{") depth++;
    else if (char === "]" || char === "}") depth--;
    else if (char === "," && depth === 0) {
      parts.push(current.trim());
      current = "";
      continue;
    }
    current += char;
  }
  parts.push(current.trim());
  return parts;
}

/** Parses `--set` flags; `multi` allows several values per key (sweeps). */
export function parseSetFlags(flags: readonly string[], command: string, multi: boolean): SetFlag[] {
  const seen = new Set<string>();
  return flags.map((flag) => {
    const at = flag.indexOf("=");
    const hint = `Write --set key.path=value${multi ? "[,value...]" : ""}, e.g. --set tuning.degradationThreshold=0.05.`;
    if (at <= 0) throw new UsageError(`--set expects key=value, got '${flag}'`, hint);
    const key = flag.slice(0, at).trim();
    const path = parseKeyPath(key);
    if (path.length === 0)
      throw new UsageError(`--set: '${key}' is not a key path like tuning.interval or vms[0].vcpus`, hint);
    if (seen.has(key))
      throw new UsageError(`--set ${key} is given twice`, multi ? "List its values once: --set key=v1,v2." : hint);
    seen.add(key);
    const texts = splitTopLevel(flag.slice(at + 1));
    if (texts.some((t) => t === "")) throw new UsageError(`--set ${key}: empty value in '${flag}'`, hint);
    if (!multi && texts.length > 1)
      throw new UsageError(
        `--set ${key}: 'twintune ${command}' takes one value per key, got ${texts.length}`,
        "Sweep several values with 'twintune sweep'.",
      );
    if (new Set(texts).size !== texts.length) throw new UsageError(`--set ${key}: a value is listed twice`);
    const values = texts.map((text) => {
      try {
        return parse(text) as unknown;
      } catch (error) {
        throw new UsageError(`--set ${key}: cannot read '${text}': ${(error as Error).message.split("\n")[0]}`);
      }
    });
    return { key, path, values, texts };
  });
}

/** The scenario overrides for one value of each flag (`choice[i]` is the index of flag i's value). */
export function overridesFor(flags: readonly SetFlag[], choice: readonly number[]): ScenarioOverride[] {
  return flags.map((flag, i) => {
    const index = choice[i] ?? 0;
    return { path: flag.path, value: flag.values[index], label: `${SET_LABEL}${flag.key}=${flag.texts[index]}` };
  });
}
