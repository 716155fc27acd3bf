import { readFileSync } from "node:fs";
import { join } from "node:path";
import { LineCounter, parseDocument } from "yaml";
import { formatKeyPath } from "../config/config-error.js";
import { aliasProblem } from "../config/yaml-aliases.js";
import { lineOf, valueAt } from "../document-location.js";
import { editDistance } from "../edit-distance.js";
import { fsReason } from "../output-path.js";
import { packageRoot } from "../package-root.js";
import { CatalogError } from "./catalog-error.js";
import { type CatalogFile, catalogSchema } from "./catalog-schema.js";
import { InstanceCatalog, type PriceSource } from "./instance-catalog.js";
import type { InstanceType } from "./instance-type.js";
import { expectedText } from "./zod-issue-text.js";

/** The catalog shipped with twintune: models/instances.yaml. */
export function defaultCatalogPath(): string {
  return join(packageRoot(), "models", "instances.yaml");
}

/** Reads and validates a catalog file (YAML or JSON); a problem is a CatalogError naming file, line and key. */
export function loadCatalog(path: string = defaultCatalogPath()): InstanceCatalog {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CatalogError(path, undefined, "", code === "ENOENT" ? "no such file" : `cannot read: ${fsReason(error)}`);
  }
  return parseCatalog(text, path);
}

/**
 * Parses catalog text. JSON is YAML, so one parser serves both and gives line numbers for both
 * (the `yaml` package's document API with a LineCounter). Validation is the zod schema in
 * catalog-schema.ts plus two checks it cannot express: unique names and known source keys.
 */
export function parseCatalog(text: string, file: string): InstanceCatalog {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const syntax = doc.errors[0];
  if (syntax !== undefined) {
    const line = syntax.linePos?.[0].line;
    const message = (syntax.message.split("\n")[0] as string).replace(/ at line \d+, column \d+:?$/, "");
    throw new CatalogError(file, line, "", `not valid YAML or JSON: ${message}`);
  }
  const alias = aliasProblem(doc);
  if (alias !== undefined) throw new CatalogError(file, lines.linePos(alias.offset).line, "", alias.message);
  const data: unknown = doc.toJS();
  const locate = (path: readonly PropertyKey[]) => lineOf(doc, lines, path);
  const parsed = catalogSchema.safeParse(data);
  if (!parsed.success) {
    const located = parsed.error.issues.map((issue) => {
      const path = issue.code === "unrecognized_keys" ? [...issue.path, issue.keys[0] as string] : issue.path;
      return { issue, path, line: locate(path) };
    });
    located.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    const first = located[0] as (typeof located)[number];
    const { value, present } = valueAt(data, first.path);
    let expected =
      first.issue.code === "unrecognized_keys"
        ? "unknown key (keys are case-sensitive; see README.md, Instance catalog)"
        : expectedText(first.issue, value, present);
    if (!present) {
      // A missing key next to an unknown one is usually a misspelling: say which.
      const misspelt = located.find(
        (other) =>
          other.issue.code === "unrecognized_keys" &&
          formatKeyPath(other.path.slice(0, -1)) === formatKeyPath(first.path.slice(0, -1)) &&
          editDistance(String(other.path.at(-1)).toLowerCase(), String(first.path.at(-1)).toLowerCase()) <= 2,
      );
      if (misspelt !== undefined)
        expected += ` ('${String(misspelt.path.at(-1))}' on line ${misspelt.line} looks like a misspelling)`;
    }
    const more = located.length > 1 ? ` (and ${located.length - 1} more problem${located.length > 2 ? "s" : ""})` : "";
    throw new CatalogError(file, first.line, formatKeyPath(first.path), expected + more);
  }
  return build(parsed.data, file, locate);
}

function build(
  file: CatalogFile,
  origin: string,
  lineOf: (path: readonly PropertyKey[]) => number | undefined,
): InstanceCatalog {
  const seen = new Map<string, number>();
  const sources: Record<string, PriceSource> = {};
  for (const [key, source] of Object.entries(file.sources ?? {})) {
    const date = source.date instanceof Date ? source.date.toISOString().slice(0, 10) : source.date;
    sources[key] = { title: source.title, ...(source.url && { url: source.url }), ...(date && { date }) };
  }
  const types = file.instances.map((entry, index): InstanceType => {
    const first = seen.get(entry.name);
    if (first !== undefined) {
      throw new CatalogError(
        origin,
        lineOf(["instances", index, "name"]),
        `instances[${index}].name`,
        `duplicate name '${entry.name}' (first at instances[${first}])`,
      );
    }
    seen.set(entry.name, index);
    if (entry.source !== undefined && !Object.hasOwn(sources, entry.source)) {
      throw new CatalogError(
        origin,
        lineOf(["instances", index, "source"]),
        `instances[${index}].source`,
        file.sources === undefined
          ? `unknown source '${entry.source}': the catalog has no 'sources' section to name it in`
          : `unknown source '${entry.source}'; expected one of the keys of 'sources': ${Object.keys(sources).join(", ")}`,
      );
    }
    const spot = entry.spot ?? file.defaults?.spot;
    const reserved = entry.reserved1yDiscount ?? file.defaults?.reserved1yDiscount;
    const savingsPlan = entry.savingsPlan1yDiscount ?? file.defaults?.savingsPlan1yDiscount;
    return {
      name: entry.name,
      vcpus: entry.vcpus,
      memoryGiB: entry.memoryGiB,
      hourlyUsd: entry.hourlyUsd,
      ...(entry.family !== undefined && { family: entry.family }),
      ...(spot !== undefined && { spot: { ...spot } }),
      ...(reserved !== undefined && { reserved1yDiscount: reserved }),
      ...(savingsPlan !== undefined && { savingsPlan1yDiscount: savingsPlan }),
      ...(entry.source !== undefined && { source: entry.source }),
    };
  });
  return new InstanceCatalog(types, {
    ...(file.hoursPerMonth !== undefined && { hoursPerMonth: file.hoursPerMonth }),
    ...(file.region !== undefined && { region: file.region }),
    sources,
    origin,
  });
}
