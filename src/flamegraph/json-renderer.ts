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

/**
 * The same tree as JSON text, written without recursion: JSON.stringify recurses once per level
 * and overflows the stack near 3,000 frames deep, which real stacks (deep recursion, interpreters)
 * reach. The text is what JSON.stringify(toFlameJson(root)) gives.
 */
export function flameJsonText(root: FrameNode): string {
  const parts: string[] = [];
  const open = (node: FrameNode) =>
    parts.push(
      `{"name":${JSON.stringify(node.name)},"value":${node.total},"self":${node.self}${node.before === undefined ? "" : `,"before":${node.before}`},"children":[`,
    );
  open(root);
  const stack: { node: FrameNode; next: number }[] = [{ node: root, next: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as { node: FrameNode; next: number };
    const child = top.node.children[top.next];
    if (child === undefined) {
      parts.push("]}");
      stack.pop();
      continue;
    }
    if (top.next > 0) parts.push(",");
    top.next++;
    open(child);
    stack.push({ node: child, next: 0 });
  }
  return parts.join("");
}
