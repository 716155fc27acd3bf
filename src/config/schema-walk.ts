import type { z } from "zod";

/** A zod schema's definition, as far as walking it needs. */
export type SchemaDef = { type: string; [key: string]: unknown };

export function schemaDef(schema: z.ZodType): SchemaDef {
  return (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;
}

const WRAPPERS = new Set(["default", "prefault", "optional", "nullable", "readonly", "catch", "nonoptional"]);

/** The schema under defaults, prefaults, optionals and the like, and under a pipe's input side. */
export function unwrapSchema(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    const d = schemaDef(current);
    if (WRAPPERS.has(d.type)) current = d.innerType as z.ZodType;
    else if (d.type === "pipe") current = d.in as z.ZodType;
    else return current;
  }
}

/** What a schema node accepts below it: named keys (a union's options merged), list indices, or nothing (a value). */
export function schemaChildren(
  schema: z.ZodType,
): { keys: Map<string, z.ZodType[]> } | { index: (i: number) => z.ZodType | undefined; size?: number } | null {
  const d = schemaDef(unwrapSchema(schema));
  if (d.type === "object") {
    const keys = new Map<string, z.ZodType[]>();
    for (const [key, child] of Object.entries(d.shape as Record<string, z.ZodType>)) keys.set(key, [child]);
    return { keys };
  }
  if (d.type === "union") {
    const keys = new Map<string, z.ZodType[]>();
    let indexed: ((i: number) => z.ZodType | undefined) | undefined;
    for (const option of d.options as z.ZodType[]) {
      const c = schemaChildren(option);
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

/** The schema nodes that may stand at a key path (several where a union's options share a key). */
export function schemasAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType[] {
  let nodes = [schema];
  for (const segment of path) {
    nodes = nodes.flatMap((node) => {
      const c = schemaChildren(node);
      if (c === null) return [];
      if ("keys" in c) return typeof segment === "string" ? (c.keys.get(segment) ?? []) : [];
      const child = typeof segment === "number" ? c.index(segment) : undefined;
      return child === undefined ? [] : [child];
    });
  }
  return nodes;
}

/** The keys of each object a node may be: one list, or one per option of a union. */
export function objectKeyLists(schema: z.ZodType): string[][] {
  const d = schemaDef(unwrapSchema(schema));
  if (d.type === "object") return [Object.keys(d.shape as Record<string, z.ZodType>)];
  if (d.type === "union") return (d.options as z.ZodType[]).flatMap(objectKeyLists);
  return [];
}
