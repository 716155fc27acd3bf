import type { StackProfile } from "./stack-profile.js";

/**
 * A flame graph's tree: one node per distinct path from the root (so one function appears once
 * per distinct caller chain), total = the weight of every stack through the node, self = the
 * weight of stacks ending at it. Children are sorted by name (code point order), which puts the
 * x axis in alphabetical order per level, as flamegraph.pl does. In a differential tree,
 * `before` holds the node's self weight in the before profile.
 */
export interface FrameNode {
  name: string;
  total: number;
  self: number;
  children: FrameNode[];
  /** Differential trees only: the self weight of the same path in the before profile. */
  before?: number;
}

interface BuildNode {
  name: string;
  total: number;
  self: number;
  kids: Map<string, BuildNode> | undefined;
}

const byName = (a: FrameNode, b: FrameNode) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Converts the build tree to sorted FrameNodes without recursion (stacks can be thousands of frames deep). */
function finish(root: BuildNode): FrameNode {
  const out: FrameNode = { name: root.name, total: root.total, self: root.self, children: [] };
  const work: [BuildNode, FrameNode][] = [[root, out]];
  while (work.length > 0) {
    const [build, node] = work.pop() as [BuildNode, FrameNode];
    if (build.kids === undefined) continue;
    for (const kid of build.kids.values()) {
      const child: FrameNode = { name: kid.name, total: kid.total, self: kid.self, children: [] };
      node.children.push(child);
      work.push([kid, child]);
    }
    node.children.sort(byName);
  }
  return out;
}

/** Merges the profile's stacks into a tree under a root named `rootName` ("all", as flamegraph.pl names it). */
export function buildFrameTree(profile: StackProfile, rootName = "all"): FrameNode {
  const root: BuildNode = { name: rootName, total: 0, self: 0, kids: undefined };
  for (const [key, weight] of profile.stacks) {
    root.total += weight;
    let node = root;
    let start = 0;
    for (;;) {
      const end = key.indexOf(";", start);
      const name = end < 0 ? key.slice(start) : key.slice(start, end);
      node.kids ??= new Map();
      let kid = node.kids.get(name);
      if (kid === undefined) {
        kid = { name, total: 0, self: 0, kids: undefined };
        node.kids.set(name, kid);
      }
      kid.total += weight;
      node = kid;
      if (end < 0) break;
      start = end + 1;
    }
    node.self += weight;
  }
  return finish(root);
}

/** The child named `name`, by binary search over the sorted children. */
export function childNamed(node: FrameNode, name: string): FrameNode | undefined {
  let low = 0;
  let high = node.children.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const child = node.children[mid] as FrameNode;
    if (child.name === name) return child;
    if (child.name < name) low = mid + 1;
    else high = mid - 1;
  }
  return undefined;
}

/** The deepest level below `node` (the node itself is depth 0). Iterative, for very deep stacks. */
export function treeDepth(node: FrameNode): number {
  let deepest = 0;
  const stack: [FrameNode, number][] = [[node, 0]];
  while (stack.length > 0) {
    const [at, depth] = stack.pop() as [FrameNode, number];
    if (depth > deepest) deepest = depth;
    for (const child of at.children) stack.push([child, depth + 1]);
  }
  return deepest;
}
