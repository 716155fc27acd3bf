import { readFileSync } from "node:fs";
import { type Document, isNode, LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { keyNode, valueAt } from "../document-location.js";
import { closestNames } from "../edit-distance.js";
import { fsErrorCode, fsReason } from "../output-path.js";
import { ConfigError, formatKeyPath } from "./config-error.js";
import { objectKeyLists, schemasAt } from "./schema-walk.js";
import { aliasProblem } from "./yaml-aliases.js";

/** A parsed YAML (or JSON, a subset of YAML) file that can say where each key path is. */
export interface SourceDocument {
  file: string;
  data: unknown;
  /**
   * Line and column (1-based) of the value at `path`, or of its nearest existing parent; with
   * `at: "key"`, of the key itself when `path` ends at a mapping key (an unknown key's error).
   */
  locate(path: readonly PropertyKey[], at?: "value" | "key"): { line: number; column: number } | undefined;
}

/** Reads and parses a YAML or JSON file; syntax errors become ConfigErrors with the position. */
export function readSourceDocument(file: string, text?: string): SourceDocument {
  let source: string;
  try {
    source = text ?? readFileSync(file, "utf8");
  } catch (error) {
    const reason = fsErrorCode(error) === "ENOENT" ? "no such file" : fsReason(error);
    throw new ConfigError(file, undefined, undefined, "", `cannot read: ${reason}`);
  }
  const lines = new LineCounter();
  const document: Document = parseDocument(source, {
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: true,
    merge: true,
  });
  const first = document.errors[0];
  if (first !== undefined) {
    const position = lines.linePos(first.pos[0]);
    throw new ConfigError(file, position.line, position.col, "", first.message.split("\n")[0] ?? "invalid YAML");
  }
  const alias = aliasProblem(document);
  if (alias !== undefined) {
    const position = lines.linePos(alias.offset);
    throw new ConfigError(file, position.line, position.col, "", alias.message);
  }
  return {
    file,
    data: document.toJS({ maxAliasCount: 100 }),
    locate(path, at = "value") {
      const key = at === "key" ? keyNode(document, path) : undefined;
      if (key?.range) {
        const position = lines.linePos(key.range[0]);
        return { line: position.line, column: position.col };
      }
      for (let depth = path.length; depth >= 0; depth--) {
        const node = document.getIn(path.slice(0, depth) as unknown[], true);
        if (isNode(node) && node.range) {
          const position = lines.linePos(node.range[0]);
          return { line: position.line, column: position.col };
        }
      }
      return undefined;
    },
  };
}

/** A value as the user wrote it, near enough: JSON, except numbers JSON cannot hold (1e400 is Infinity, not null). */
function shownInput(input: unknown): string {
  return typeof input === "number" && !Number.isFinite(input) ? String(input) : JSON.stringify(input);
}

/**
 * Checks a document against a zod schema. The first problem becomes a ConfigError naming the
 * file, the line, the key path and what was expected.
 */
export function validateDocument<S extends z.ZodType>(
  document: SourceDocument,
  schema: S,
  data: unknown = document.data,
): z.output<S> {
  const result = schema.safeParse(data, { reportInput: true });
  if (result.success) return result.data;
  const first = result.error.issues[0];
  if (first === undefined) throw new ConfigError(document.file, undefined, undefined, "", "invalid");
  const issue = closestIssue(first, data, schema);
  const path = issuePath(issue);
  const position = document.locate(path, issue.code === "unrecognized_keys" ? "key" : "value");
  throw new ConfigError(
    document.file,
    position?.line,
    position?.column,
    formatKeyPath(path),
    describeIssue(issue, schema),
  );
}

/** Where an issue is: an unknown key's own path (so an error points at the key), else the issue's path. */
export function issuePath(issue: z.core.$ZodIssue): PropertyKey[] {
  const path = issue.path as PropertyKey[];
  return issue.code === "unrecognized_keys" ? [...path, issue.keys[0] as string] : path;
}

/**
 * A union's failure, made specific: zod reports "Invalid input" with every option's issues. The
 * option the value was most likely meant as (the most of its keys known there, then the fewest
 * issues) has the issue worth showing, at its full path; an unknown key first, since a misspelled
 * key also leaves a required one missing. Other issues are returned as they are.
 */
export function closestIssue(issue: z.core.$ZodIssue, data: unknown, schema?: z.ZodType): z.core.$ZodIssue {
  if (issue.code !== "invalid_union" || issue.errors.length === 0) return issue;
  const input = valueAt(data, issue.path as PropertyKey[]).value;
  const given = typeof input === "object" && input !== null && !Array.isArray(input) ? Object.keys(input) : [];
  const score = (issues: z.core.$ZodIssue[]) => {
    const unknown = issues.flatMap((i) => (i.code === "unrecognized_keys" && i.path.length === 0 ? i.keys : []));
    return given.length - unknown.length;
  };
  let best = issue.errors[0] as z.core.$ZodIssue[];
  for (const option of issue.errors.slice(1)) {
    const [a, b] = [score(option), score(best)];
    if (a > b || (a === b && option.length < best.length)) best = option;
  }
  if (given.length > 0 && score(best) === 0) {
    // Nothing the user wrote fits any option. A key one edit or two from a known one is a typo
    // worth naming; otherwise say what each option is, not one option's missing key.
    const known = schema === undefined ? [] : knownKeys(schema, issue.path as PropertyKey[]);
    const typo = given.find((key) => closestNames(key, known).length > 0);
    if (typo === undefined) return issue;
    return { code: "unrecognized_keys", keys: [typo], path: issue.path, message: "", input } as z.core.$ZodIssue;
  }
  const chosen = best.find((i) => i.code === "unrecognized_keys") ?? (best[0] as z.core.$ZodIssue);
  const path = [...(issue.path as PropertyKey[]), ...(chosen.path as PropertyKey[])];
  return closestIssue({ ...chosen, path } as z.core.$ZodIssue, data, schema);
}

/** The keys an object schema allows at `path` (of a union, every option's). */
export function knownKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  return [...new Set(schemasAt(schema, path).flatMap((node) => objectKeyLists(node).flat()))];
}

/** What an issue says, in words; an unknown key gets a did-you-mean or the keys `schema` knows there. */
export function describeIssue(issue: z.core.$ZodIssue, schema?: z.ZodType): string {
  switch (issue.code) {
    case "invalid_type": {
      // A schema's own message (zod's starts "Invalid input") says what the value should look like.
      if (!issue.message.startsWith("Invalid input") && "input" in issue && issue.input !== undefined)
        return `${issue.message}, got ${shownInput(issue.input)}`;
      const expected = issue.expected === "int" ? "an integer" : issue.expected;
      return `expected ${expected}${"input" in issue && issue.input !== undefined ? `, got ${shownInput(issue.input)}` : ", but it is missing"}`;
    }
    case "invalid_union": {
      const options =
        schema === undefined ? [] : schemasAt(schema, issue.path as PropertyKey[]).flatMap(objectKeyLists);
      if (options.length < 2) return issue.message;
      const shapes = options.map((keys) => `{${keys.join(", ")}}`);
      return `expected the keys of one of ${shapes.join(" or ")}${"input" in issue && issue.input !== undefined ? `, got ${shownInput(issue.input)}` : ""}`;
    }
    case "unrecognized_keys": {
      const unknown = `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((key) => `'${key}'`).join(", ")}`;
      const known = schema === undefined ? [] : knownKeys(schema, issue.path as PropertyKey[]);
      const key = issue.keys[0] as string;
      const near = closestNames(key, known);
      if (near.length > 0) return `${unknown} (did you mean '${near.join("' or '")}'?)`;
      return known.length > 0 ? `${unknown}; known keys: ${known.join(", ")}` : unknown;
    }
    case "invalid_value":
      return `expected one of ${issue.values.map((value) => JSON.stringify(value)).join(", ")}`;
    case "too_small":
    case "too_big":
      if (issue.origin === "number" || issue.origin === "int") {
        const bound = issue.code === "too_small" ? issue.minimum : issue.maximum;
        const word =
          issue.code === "too_small"
            ? issue.inclusive
              ? "at least"
              : "more than"
            : issue.inclusive
              ? "at most"
              : "less than";
        // A schema's own message (not zod's "Too big: ...") says why the bound is there.
        const why = issue.message.startsWith("Too ") ? "" : `: ${issue.message}`;
        return `expected a number ${word} ${bound}${"input" in issue && issue.input !== undefined ? `, got ${shownInput(issue.input)}` : ""}${why}`;
      }
      if (issue.origin === "array" && issue.message.startsWith("Too ")) {
        const bound = issue.code === "too_small" ? issue.minimum : issue.maximum;
        const exact = "input" in issue && Array.isArray(issue.input) ? `, got ${issue.input.length}` : "";
        return `expected ${issue.code === "too_small" ? "at least" : "at most"} ${bound} item${bound === 1 ? "" : "s"}${exact}`;
      }
      return issue.message;
    default:
      return issue.message;
  }
}

/** Reads, parses and validates a YAML or JSON file in one step. */
export function loadYaml<S extends z.ZodType>(file: string, schema: S): z.output<S> {
  return validateDocument(readSourceDocument(file), schema);
}
