import type { z } from "zod";
import { schemaChildren as children, schemaDef, schemasAt } from "../config/schema-walk.js";
import { closestNames } from "../edit-distance.js";

/** Why a key path does not exist in a schema: how far it got and what it could have been. */
export interface SchemaPathProblem {
  /** Segments that were valid before the bad one. */
  depth: number;
  problem: string;
}

/**
 * Checks a key path ("tuning", "degradationThreshold"; "vms", 0, "vcpus") against a schema:
 * null when every segment exists, else where it stops and the keys that exist there.
 */
export function checkSchemaPath(schema: z.ZodType, path: readonly (string | number)[]): SchemaPathProblem | null {
  let nodes: z.ZodType[] = [schema];
  for (let depth = 0; depth < path.length; depth++) {
    const segment = path[depth] as string | number;
    const next: z.ZodType[] = [];
    const known = new Set<string>();
    let indexed = false;
    let size: number | undefined;
    for (const node of nodes) {
      const c = children(node);
      if (c === null) continue;
      if ("keys" in c) {
        for (const key of c.keys.keys()) known.add(key);
        if (typeof segment === "string") next.push(...(c.keys.get(segment) ?? []));
      } else {
        indexed = true;
        size = c.size;
        const child = typeof segment === "number" ? c.index(segment) : undefined;
        if (child !== undefined) next.push(child);
      }
    }
    if (next.length === 0) {
      if (known.size === 0 && !indexed) return { depth, problem: "is a value; it has no keys below it" };
      if (indexed)
        return {
          depth,
          problem: `expected a list index${size === undefined ? "" : ` 0-${size - 1}`}, got '${segment}'`,
        };
      const near = typeof segment === "string" ? closestNames(segment, [...known]) : [];
      return {
        depth,
        problem:
          near.length > 0
            ? `unknown key '${segment}' (did you mean '${near.join("' or '")}'?)`
            : `unknown key '${segment}'; known: ${[...known].join(", ")}`,
      };
    }
    nodes = next;
  }
  return null;
}

/**
 * The schema's default at a key path, when the node there has one (host.interfaces: one eth0),
 * so a --set can index into a list the file leaves at its default.
 */
export function defaultAt(schema: z.ZodType, path: readonly (string | number)[]): unknown {
  const node = schemasAt(schema, path)[0];
  if (node === undefined) return undefined;
  const d = schemaDef(node);
  return d.type === "default" ? structuredClone(d.defaultValue) : undefined;
}
