import type { z } from "zod";
import { closestNames } from "../edit-distance.js";

type Def = { type: string; [key: string]: unknown };

function def(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** The schema under defaults, prefaults, optionals and the like. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    const d = def(current);
    if (["default", "prefault", "optional", "nullable", "readonly", "catch", "nonoptional"].includes(d.type))
      current = d.innerType as z.ZodType;
    else return current;
  }
}

/** What a schema node accepts below it: named keys, list indices, or nothing (a value). */
function children(
  schema: z.ZodType,
): { keys: Map<string, z.ZodType[]> } | { index: (i: number) => z.ZodType | undefined; size?: number } | null {
  const node = unwrap(schema);
  const d = def(node);
  if (d.type === "object") {
    const keys = new Map<string, z.ZodType[]>();
    for (const [key, child] of Object.entries(d.shape as Record<string, z.ZodType>)) keys.set(key, [child]);
    return { keys };
  }
  if (d.type === "union") {
    const keys = new Map<string, z.ZodType[]>();
    let indexed: ((i: number) => z.ZodType | undefined) | undefined;
    for (const option of d.options as z.ZodType[]) {
      const c = children(option);
      if (c === null) continue;
      if ("keys" in c) for (const [key, list] of c.keys) keys.set(key, [...(keys.get(key) ?? []), ...list]);
      else indexed = c.index;
    }
    if (keys.size > 0) return { keys };
    return indexed === undefined ? null : { index: indexed };
  }
  if (d.type === "array") return { index: () => d.element as z.ZodType };
  if (d.type === "tuple") {
    const items = d.items as z.ZodType[];
    return { index: (i) => items[i], size: items.length };
  }
  return null;
}

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
  let node: z.ZodType | undefined = schema;
  for (const segment of path) {
    const c: ReturnType<typeof children> = node === undefined ? null : children(node);
    if (c === null) return undefined;
    node =
      "keys" in c
        ? typeof segment === "string"
          ? c.keys.get(segment)?.[0]
          : undefined
        : typeof segment === "number"
          ? c.index(segment)
          : undefined;
  }
  if (node === undefined) return undefined;
  const d = def(node);
  return d.type === "default" ? structuredClone(d.defaultValue) : undefined;
}
