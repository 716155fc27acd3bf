import { type Document, isMap, isPair, isScalar, type LineCounter, type Node } from "yaml";

/**
 * The 1-based line of the value at `path` in a parsed YAML or JSON document (of the key, when
 * its parent is a mapping), or of its nearest existing ancestor; undefined for an empty document.
 */
export function lineOf(doc: Document, lines: LineCounter, path: readonly PropertyKey[]): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const prefix = path.slice(0, depth);
    const node = prefix.length === 0 ? doc.contents : (doc.getIn(prefix as unknown[], true) as Node | undefined);
    const start = keyStart(doc, prefix) ?? node?.range?.[0];
    if (start !== undefined) return lines.linePos(start).line;
  }
  return undefined;
}

function keyStart(doc: Document, path: readonly PropertyKey[]): number | undefined {
  return keyNode(doc, path)?.range?.[0];
}

/** The key node of the mapping entry `path` ends at, if it is one. */
export function keyNode(doc: Document, path: readonly PropertyKey[]): Node | undefined {
  if (path.length === 0) return undefined;
  const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1) as unknown[], true);
  if (!isMap(parent)) return undefined;
  const key = path[path.length - 1];
  const pair = parent.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === key);
  return pair !== undefined && isScalar(pair.key) ? pair.key : undefined;
}

/** The value at `path` in plain data, and whether it is there at all. */
export function valueAt(data: unknown, path: readonly PropertyKey[]): { value: unknown; present: boolean } {
  let value = data;
  for (const key of path) {
    if (value === null || typeof value !== "object" || !(key in (value as object)))
      return { value: undefined, present: false };
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return { value, present: true };
}
