import type { FrameNode } from "./frame-tree.js";

/** d3-flame-graph's tree format: value = total weight; `self` and, in a diff, `before` (self weight before) added. */
export interface FlameJson {
  name: string;
  value: number;
  self: number;
  before?: number;
  children: FlameJson[];
}

/** The tree as d3-flame-graph JSON, children in the same (alphabetical) order. Iterative. */
export function toFlameJson(root: FrameNode): FlameJson {
  const convert = (node: FrameNode): FlameJson => ({
    name: node.name,
    value: node.total,
    self: node.self,
    ...(node.before === undefined ? {} : { before: node.before }),
    children: [],
  });
  const out = convert(root);
  const work: [FrameNode, FlameJson][] = [[root, out]];
  while (work.length > 0) {
    const [node, json] = work.pop() as [FrameNode, FlameJson];
    for (const child of node.children) {
      const converted = convert(child);
      json.children.push(converted);
      work.push([child, converted]);
    }
  }
  return out;
}
