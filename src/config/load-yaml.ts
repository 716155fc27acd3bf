import { readFileSync } from "node:fs";
import { type Document, isNode, LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { keyNode } from "../document-location.js";
import { editDistance } from "../edit-distance.js";
import { fsErrorCode, fsReason } from "../output-path.js";
import { ConfigError, formatKeyPath } from "./config-error.js";
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
  const issue = result.error.issues[0];
  if (issue === undefined) throw new ConfigError(document.file, undefined, undefined, "", "invalid");
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

/** Wrapper schemas whose inner schema holds the keys. */
const WRAPPERS = new Set(["optional", "default", "prefault", "nullable", "readonly", "catch", "nonoptional"]);

interface SchemaDef {
  type?: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  in?: z.ZodType;
}

/** The keys an object schema allows at `path` (best effort: none where a union makes it ambiguous). */
export function knownKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let at: z.ZodType | undefined = schema;
  const unwrap = () => {
    for (
      let def = at?._zod.def as SchemaDef | undefined;
      def !== undefined;
      def = at?._zod.def as SchemaDef | undefined
    ) {
      if (def.type !== undefined && WRAPPERS.has(def.type)) at = def.innerType;
      else if (def.type === "pipe") at = def.in;
      else return;
    }
  };
  unwrap();
  for (const step of path) {
    const def = at?._zod.def as SchemaDef | undefined;
    if (def?.type === "object" && typeof step === "string") at = def.shape?.[step];
    else if (def?.type === "array" && typeof step === "number") at = def.element;
    else return [];
    unwrap();
  }
  const def = at?._zod.def as SchemaDef | undefined;
  return def?.type === "object" ? Object.keys(def.shape ?? {}) : [];
}

/** What an issue says, in words; an unknown key gets a did-you-mean or the keys `schema` knows there. */
export function describeIssue(issue: z.core.$ZodIssue, schema?: z.ZodType): string {
  switch (issue.code) {
    case "invalid_type":
      // A schema's own message (zod's starts "Invalid input") says what the value should look like.
      if (!issue.message.startsWith("Invalid input") && "input" in issue && issue.input !== undefined)
        return `${issue.message}, got ${shownInput(issue.input)}`;
      return `expected ${issue.expected}${"input" in issue && issue.input !== undefined ? `, got ${shownInput(issue.input)}` : ", but it is missing"}`;
    case "unrecognized_keys": {
      const unknown = `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((key) => `'${key}'`).join(", ")}`;
      const known = schema === undefined ? [] : knownKeys(schema, issue.path as PropertyKey[]);
      const key = issue.keys[0] as string;
      const near = known.filter((name) => editDistance(name, key) <= 2);
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
      return issue.message;
    default:
      return issue.message;
  }
}

/** Reads, parses and validates a YAML or JSON file in one step. */
export function loadYaml<S extends z.ZodType>(file: string, schema: S): z.output<S> {
  return validateDocument(readSourceDocument(file), schema);
}
