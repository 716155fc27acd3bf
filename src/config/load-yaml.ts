import { readFileSync } from "node:fs";
import { type Document, isNode, LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { ConfigError, formatKeyPath } from "./config-error.js";

/** A parsed YAML (or JSON, a subset of YAML) file that can say where each key path is. */
export interface SourceDocument {
  file: string;
  data: unknown;
  /** Line and column (1-based) of the value at `path`, or of its nearest existing parent. */
  locate(path: readonly PropertyKey[]): { line: number; column: number } | undefined;
}

/** Reads and parses a YAML or JSON file; syntax errors become ConfigErrors with the position. */
export function readSourceDocument(file: string, text?: string): SourceDocument {
  let source: string;
  try {
    source = text ?? readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : (error as Error).message;
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
  return {
    file,
    data: document.toJS({ maxAliasCount: 100 }),
    locate(path) {
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
  const path = issue.path as PropertyKey[];
  const position = document.locate(path);
  throw new ConfigError(document.file, position?.line, position?.column, formatKeyPath(path), describeIssue(issue));
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return `expected ${issue.expected}${"input" in issue && issue.input !== undefined ? `, got ${JSON.stringify(issue.input)}` : ", but it is missing"}`;
    case "unrecognized_keys":
      return `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((key) => `'${key}'`).join(", ")}`;
    case "invalid_value":
      return `expected one of ${issue.values.map((value) => JSON.stringify(value)).join(", ")}`;
    default:
      return issue.message;
  }
}

/** Reads, parses and validates a YAML or JSON file in one step. */
export function loadYaml<S extends z.ZodType>(file: string, schema: S): z.output<S> {
  return validateDocument(readSourceDocument(file), schema);
}
